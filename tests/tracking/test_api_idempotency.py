"""A retried call returns the first answer and stores nothing new (Idempotency-Key, event_id), so
a client that retries never makes a partner count an event twice (partners.md §3: "Adjust does
not deduplicate S2S events ... never deliver the same event twice")."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import AdjustEventTokenFactory, IosAppFactory
from tests.tracking.api_support import api_for, ios_event
from tracking.models import Delivery, Event, IdempotencyKey

pytestmark = pytest.mark.django_db


def _adjust_app():
    return AdjustEventTokenFactory(event_name="purchase").config.app


def test_a_retry_with_the_same_idempotency_key_replays_the_first_answer():
    app = _adjust_app()
    api = api_for(app)
    payload = ios_event(app)

    first = api.post("events/", payload, headers={"Idempotency-Key": "k-1"})
    retry = api.post("events/", payload, headers={"Idempotency-Key": "k-1"})

    assert retry.status_code == 202
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert (Event.objects.count(), Delivery.objects.count()) == (1, 1)


def test_a_retry_enqueues_nothing(django_capture_on_commit_callbacks):
    app = _adjust_app()
    api = api_for(app)
    api.post("events/", ios_event(app), headers={"Idempotency-Key": "k-1"})

    with django_capture_on_commit_callbacks() as callbacks:
        api.post("events/", ios_event(app), headers={"Idempotency-Key": "k-1"})

    assert callbacks == []


def test_the_same_key_with_a_different_body_is_422():
    app = IosAppFactory()
    api = api_for(app)
    api.post("events/", ios_event(app), headers={"Idempotency-Key": "k-1"})

    response = api.post(
        "events/", ios_event(app, event_name="level_up"), headers={"Idempotency-Key": "k-1"}
    )

    assert response.status_code == 422
    assert Event.objects.count() == 1


def test_keys_are_scoped_per_token():
    app = IosAppFactory()
    first, second = api_for(app), api_for(app)

    first.post("events/", ios_event(app), headers={"Idempotency-Key": "k-1"})
    response = second.post("events/", ios_event(app), headers={"Idempotency-Key": "k-1"})

    assert "Idempotent-Replayed" not in response
    assert Event.objects.count() == 2


def test_a_refused_call_stores_no_key_so_its_corrected_retry_is_accepted():
    app = IosAppFactory()
    api = api_for(app)

    refused = api.post("events/", ios_event(app, att_status=9), headers={"Idempotency-Key": "k"})
    accepted = api.post("events/", ios_event(app), headers={"Idempotency-Key": "k"})

    assert (refused.status_code, accepted.status_code) == (400, 202)
    assert IdempotencyKey.objects.count() == 1


def test_an_overlong_idempotency_key_is_400():
    app = IosAppFactory()

    response = api_for(app).post("events/", ios_event(app), headers={"Idempotency-Key": "k" * 256})

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


def test_a_known_event_id_is_answered_as_a_duplicate_and_not_stored_again():
    app = _adjust_app()
    api = api_for(app)

    first = api.post("events/", ios_event(app, event_id="order-1"))
    retry = api.post("events/", ios_event(app, event_id="order-1"))

    assert retry.status_code == 202
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["duplicate"] is True
    assert (Event.objects.count(), Delivery.objects.count()) == (1, 1)


def test_event_ids_are_unique_per_app_not_across_apps():
    one, two = IosAppFactory(), IosAppFactory()
    api = api_for(one, two)

    api.post("events/", ios_event(one, event_id="order-1"))
    api.post("events/", ios_event(two, event_id="order-1"))

    assert Event.objects.count() == 2


def test_a_retried_batch_with_the_same_idempotency_key_replays_it():
    app = IosAppFactory()
    api = api_for(app)
    body = {"records": [{"kind": "event", **ios_event(app)}] * 3}

    first = api.post("batch/", body, headers={"Idempotency-Key": "b-1"})
    retry = api.post("batch/", body, headers={"Idempotency-Key": "b-1"})

    assert retry.json() == first.json()
    assert Event.objects.count() == 3


def test_a_retried_batch_stores_no_record_twice_thanks_to_event_ids():
    app = _adjust_app()
    api = api_for(app)
    records = [{"kind": "event", **ios_event(app, event_id=f"order-{i}")} for i in range(5)]
    api.post("batch/", {"records": records[:3]})

    retry = api.post("batch/", {"records": records})

    results = retry.json()["results"]
    assert [r["duplicate"] for r in results] == [True, True, True, False, False]
    assert (Event.objects.count(), Delivery.objects.count()) == (5, 5)


def test_the_same_event_id_twice_in_one_batch_is_stored_once():
    app = IosAppFactory()
    record = {"kind": "event", **ios_event(app, event_id="order-1")}

    response = api_for(app).post("batch/", {"records": [record, record]})

    first, second = response.json()["results"]
    assert (first["id"], first["duplicate"], second["duplicate"]) == (second["id"], False, True)
    assert Event.objects.count() == 1


def test_a_batch_answer_quoting_odd_client_text_is_still_stored_for_replay():
    app = IosAppFactory()
    api = api_for(app)
    body = json.dumps({"records": [{"kind": "install", "app": app.pk, "odd\x00\ud800": 1}]})

    first = api.post("batch/", body=body, headers={"Idempotency-Key": "b-odd"})
    retry = api.post("batch/", body=body, headers={"Idempotency-Key": "b-odd"})

    assert first.status_code == retry.status_code == 202
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"


def test_purging_forgets_only_keys_older_than_the_retention(settings):
    settings.IDEMPOTENCY_KEY_RETENTION_HOURS = 72
    app = IosAppFactory()
    api = api_for(app)
    api.post("events/", ios_event(app), headers={"Idempotency-Key": "old"})
    api.post("events/", ios_event(app), headers={"Idempotency-Key": "new"})
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=73))

    call_command("purge_idempotency_keys", stdout=io.StringIO())

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
