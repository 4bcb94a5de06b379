"""delivery_attempt: one attempt, claimed atomically, read by the adapter, recorded as a row."""

from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from tests.tracking.conftest import delivery_for
from tracking.models import AttemptOutcome, Delivery, DeliveryStatus, Destination
from tracking.services.delivery import delivery_attempt

ADJUST = "https://s2s.adjust.com/event"
KOCHAVA = "https://control.kochava.com/track/json"


def appsflyer_url(app) -> str:
    return f"https://api3.appsflyer.com/inappevent/{app.appsflyer_config.appsflyer_app_id}"


@responses.activate
def test_accepted_event_is_delivered_with_one_attempt_row(partner_app):
    responses.get(ADJUST, body="OK")
    delivery = delivery_for(partner_app, Destination.ADJUST)

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.delivered_at is not None
    assert delivery.attempts == 1
    [attempt] = delivery.attempt_rows.all()
    assert (attempt.outcome, attempt.status_code) == (AttemptOutcome.DELIVERED, 200)


@responses.activate
def test_attempt_row_keeps_the_request_with_secrets_redacted(partner_app):
    """partners.md 3, Auth: the Bearer token is a secret; STYLE: every attempt is a row."""
    responses.get(ADJUST, body="OK")
    delivery = delivery_for(partner_app, Destination.ADJUST)

    delivery_attempt(delivery_id=delivery.pk)

    summary = delivery.attempt_rows.get().request_summary
    assert summary["headers"]["Authorization"] == "Bearer [redacted]"
    assert "event_token=xyzklm" in summary["url"]


@responses.activate
def test_delivered_with_a_warning_keeps_the_warning(partner_app):
    """partners.md 3, Responses: 202 missing/wrong token (auth inactive): delivered, but warn."""
    responses.get(ADJUST, status=202, json={"status": "Missing/Wrong authentication token"})
    delivery = delivery_for(partner_app, Destination.ADJUST)

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert "Missing/Wrong authentication token" in delivery.warning
    assert delivery.attempt_rows.get().outcome == AttemptOutcome.WARNING


@responses.activate
def test_permanent_failure_stops_at_once_with_the_partners_message(partner_app):
    """partners.md 3, Responses: the 4xx are permanent and their message must be shown."""
    responses.get(ADJUST, status=400, json={"error": "Event request failed (Invalid event token)"})
    delivery = delivery_for(partner_app, Destination.ADJUST)

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "Invalid event token"
    assert delivery.last_status_code == 400
    assert delivery.attempt_rows.get().outcome == AttemptOutcome.PERMANENT


@responses.activate
def test_transient_failure_waits_the_first_step_of_the_retry_schedule(partner_app, settings):
    """partners.md 3: only 5xx, 429 and network errors are worth retrying."""
    settings.DELIVERY_RETRY_SCHEDULE = [10.0, 60.0]
    responses.post(KOCHAVA, status=503, body="Service Unavailable")
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    before = timezone.now()

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert before + timedelta(seconds=10) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= timezone.now() + timedelta(seconds=10)
    assert delivery.queued_at is None  # the sweep queues it when due
    assert delivery.attempt_rows.get().outcome == AttemptOutcome.TRANSIENT


@responses.activate
def test_network_error_is_transient(partner_app):
    responses.post(KOCHAVA, body=requests.ConnectionError("refused"))
    delivery = delivery_for(partner_app, Destination.KOCHAVA)

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert "Could not connect" in delivery.last_error


@responses.activate
def test_rate_limited_delivery_waits_what_retry_after_says(partner_app):
    """partners.md 2 and 5: 429 is transient; we honour the partner's Retry-After."""
    responses.post(KOCHAVA, status=429, headers={"Retry-After": "120"})
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    before = timezone.now()

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.next_attempt_at >= before + timedelta(seconds=120)
    assert delivery.next_attempt_at <= timezone.now() + timedelta(seconds=120)


@responses.activate
def test_delivery_past_the_age_limit_is_dead_with_the_last_message(partner_app, settings):
    settings.DELIVERY_MAX_AGE_HOURS = 24
    responses.post(KOCHAVA, status=500, body="Internal error")
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    Delivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(hours=23, minutes=59, seconds=55)
    )

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.last_error.startswith("Internal error (gave up after 1 attempts over 24 hours")


@responses.activate
def test_appsflyer_credentials_refusal_flags_the_apps_configuration(partner_app):
    """partners.md 5: Failed to Authenticate is a credential problem: permanent, and the config
    is flagged until fixed."""
    responses.post(appsflyer_url(partner_app), status=400, body="Failed to Authenticate")
    delivery = delivery_for(partner_app, Destination.APPSFLYER_EVENT)

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    partner_app.appsflyer_config.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "Failed to Authenticate" in partner_app.appsflyer_config.credentials_error


@responses.activate
def test_adjust_event_older_than_58_days_fails_with_the_reason_and_is_not_sent(partner_app):
    """partners.md 3, Ordering: events older than 58 days are rejected: do not send them; mark
    them failed with that reason."""
    delivery = delivery_for(
        partner_app, Destination.ADJUST, occurred_at=timezone.now() - timedelta(days=59)
    )

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "58 days" in delivery.last_error
    assert len(responses.calls) == 0
    assert delivery.attempt_rows.get().status_code is None


@responses.activate
def test_delivered_delivery_is_never_sent_again(partner_app):
    """partners.md 3: Adjust does not deduplicate S2S events: never deliver the same event twice."""
    responses.get(ADJUST, body="OK")
    delivery = delivery_for(partner_app, Destination.ADJUST)

    delivery_attempt(delivery_id=delivery.pk)
    delivery_attempt(delivery_id=delivery.pk)

    assert len(responses.calls) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


@responses.activate
def test_delivery_claimed_by_another_worker_is_left_alone(partner_app):
    delivery = delivery_for(partner_app, Destination.ADJUST)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, next_attempt_at=timezone.now() + timedelta(seconds=60)
    )

    delivery_attempt(delivery_id=delivery.pk)

    assert len(responses.calls) == 0
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENDING


@responses.activate
def test_delivery_not_yet_due_is_left_for_later(partner_app):
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=1)
    )

    delivery_attempt(delivery_id=delivery.pk)

    assert len(responses.calls) == 0
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PENDING


@responses.activate
def test_destination_removed_since_routing_fails_saying_so(partner_app):
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    partner_app.kochava_config.delete()

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "Kochava is no longer configured for this app."


@pytest.mark.django_db
def test_unknown_delivery_id_is_ignored():
    delivery_attempt(delivery_id=987654321)

    assert not Delivery.objects.exists()


@responses.activate
def test_unexpected_error_is_recorded_and_retried_not_left_claimed(partner_app, settings):
    settings.KOCHAVA_S2S_URL = "http://[invalid"  # not even a URL: urlsplit raises ValueError
    delivery = delivery_for(partner_app, Destination.KOCHAVA)

    delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    [attempt] = delivery.attempt_rows.all()
    assert attempt.outcome == AttemptOutcome.TRANSIENT
    assert attempt.partner_message == "Unexpected error while delivering (ValueError)."
