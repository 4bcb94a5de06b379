"""partners.md 3, Ordering: Adjust events with a timestamp must reach Adjust in chronological
order per device and event token (revenue events per device); a later one waits while an earlier
one is pending, even across retries."""

from datetime import timedelta

import responses
from django.utils import timezone

from tests.tracking.conftest import delivery_for
from tracking.models import Delivery, DeliveryStatus, Destination
from tracking.services.delivery import delivery_attempt

ADJUST = "https://s2s.adjust.com/event"


def adjust_pair(app):
    """Two purchases of one device, the first one a minute earlier."""
    now = timezone.now()
    earlier = delivery_for(app, Destination.ADJUST, occurred_at=now - timedelta(minutes=1))
    later = delivery_for(app, Destination.ADJUST, occurred_at=now)
    return earlier, later


@responses.activate
def test_later_event_waits_while_an_earlier_one_awaits_its_retry(partner_app):
    earlier, later = adjust_pair(partner_app)
    retry_at = timezone.now() + timedelta(seconds=30)
    Delivery.objects.filter(pk=earlier.pk).update(attempts=1, next_attempt_at=retry_at)

    delivery_attempt(delivery_id=later.pk)

    later.refresh_from_db()
    assert len(responses.calls) == 0
    assert later.status == DeliveryStatus.PENDING
    assert later.next_attempt_at >= retry_at
    assert later.attempts == 0
    assert "earlier event" in later.last_error


@responses.activate
def test_later_event_waits_briefly_while_an_earlier_one_is_being_sent(partner_app, settings):
    settings.DELIVERY_RECHECK_SECONDS = 1
    earlier, later = adjust_pair(partner_app)
    Delivery.objects.filter(pk=earlier.pk).update(
        status=DeliveryStatus.SENDING, next_attempt_at=timezone.now() + timedelta(seconds=60)
    )

    delivery_attempt(delivery_id=later.pk)

    later.refresh_from_db()
    assert len(responses.calls) == 0
    assert later.next_attempt_at <= timezone.now() + timedelta(seconds=1)


@responses.activate
def test_later_event_goes_once_the_earlier_one_is_delivered(partner_app):
    responses.get(ADJUST, body="OK")
    earlier, later = adjust_pair(partner_app)

    delivery_attempt(delivery_id=earlier.pk)
    delivery_attempt(delivery_id=later.pk)

    times = [call.request.params["created_at_unix"] for call in responses.calls]
    assert times == sorted(times)
    assert Delivery.objects.get(pk=later.pk).status == DeliveryStatus.DELIVERED


@responses.activate
def test_earlier_event_that_failed_for_good_does_not_hold_the_later_one(partner_app):
    responses.get(ADJUST, body="OK")
    earlier, later = adjust_pair(partner_app)
    Delivery.objects.filter(pk=earlier.pk).update(status=DeliveryStatus.FAILED)

    delivery_attempt(delivery_id=later.pk)

    assert Delivery.objects.get(pk=later.pk).status == DeliveryStatus.DELIVERED


@responses.activate
def test_events_of_another_device_do_not_wait(partner_app):
    responses.get(ADJUST, body="OK")
    now = timezone.now()
    earlier = delivery_for(partner_app, Destination.ADJUST, occurred_at=now - timedelta(minutes=1))
    Delivery.objects.filter(pk=earlier.pk).update(next_attempt_at=now + timedelta(minutes=5))
    other_device = delivery_for(
        partner_app, Destination.ADJUST, occurred_at=now, device_ids={"idfa": "OTHER-DEVICE"}
    )

    delivery_attempt(delivery_id=other_device.pk)

    assert Delivery.objects.get(pk=other_device.pk).status == DeliveryStatus.DELIVERED
