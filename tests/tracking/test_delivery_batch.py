"""Deliveries travel in batches: a message names up to DELIVERY_BATCH_SIZE deliveries of one
destination, a worker claims them in one conditional UPDATE and sends them one by one, with the
same guarantees as one at a time: never twice, in order per ordering key, each outcome recorded."""

from datetime import timedelta

import responses
from django.db import transaction
from django.utils import timezone

from tests.factories import EventFactory
from tests.tracking.conftest import delivery_for, planned_deliveries
from tracking import tasks
from tracking.models import Delivery, DeliveryStatus, Destination, EventKind
from tracking.outbox import (
    DELIVER_TASK,
    DELIVERIES_QUEUE,
    REALTIME_QUEUE,
    deliveries_enqueue_on_commit,
    deliveries_publish,
)
from tracking.services.delivery import deliveries_attempt_batch

KOCHAVA = "https://control.kochava.com/track/json"
ADJUST = "https://s2s.adjust.com/event"


def kochava_deliveries(app, count: int) -> list[Delivery]:
    return [delivery_for(app, Destination.KOCHAVA) for _ in range(count)]


def test_many_records_are_queued_as_a_few_messages_of_one_destination_each(
    partner_app, memory_broker, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_BATCH_SIZE = 2
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        deliveries = [planned_deliveries(EventFactory(app=partner_app)) for _ in range(3)]
        deliveries_enqueue_on_commit([d.pk for row in deliveries for d in row.values()])

    batches = memory_broker.batches(DELIVERIES_QUEUE)

    by_destination = {}
    for task, ids in batches:
        assert task == DELIVER_TASK
        destinations = {Delivery.objects.get(pk=pk).destination for pk in ids}
        assert len(destinations) == 1, "a message never mixes destinations"
        by_destination.setdefault(destinations.pop(), []).append(len(ids))
    assert by_destination == {
        Destination.ADJUST: [2, 1],
        Destination.APPSFLYER_EVENT: [2, 1],
        Destination.KOCHAVA: [2, 1],
    }


def test_clicks_travel_in_their_own_messages_on_the_realtime_queue(
    partner_app, memory_broker, django_capture_on_commit_callbacks
):
    """partners.md 4: clicks are sent at once, on the real-time queue, whatever else is queued."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        click = planned_deliveries(EventFactory(app=partner_app, kind=EventKind.CLICK, name=""))
        event = planned_deliveries(EventFactory(app=partner_app))
        deliveries_enqueue_on_commit(
            [d.pk for d in [*click.values(), *event.values()] if d.status == DeliveryStatus.PENDING]
        )

    assert memory_broker.batches(REALTIME_QUEUE) == [
        (DELIVER_TASK, [click[Destination.APPSFLYER_CLICK].pk])
    ]
    assert len(memory_broker.batches(DELIVERIES_QUEUE)) == 3


def test_each_callback_gets_its_own_messages(memory_broker):
    """Two callbacks may be two partners: one that hangs must not hold the other's deliveries."""
    deliveries_publish([(1, Destination.CALLBACK, 10), (2, Destination.CALLBACK, 11)])

    assert [ids for _, ids in memory_broker.batches(REALTIME_QUEUE)] == [[1], [2]]


@responses.activate
def test_a_batch_sends_each_due_pending_delivery_once(partner_app):
    responses.post(KOCHAVA, json={"success": "1"})
    deliveries = kochava_deliveries(partner_app, 3)
    ids = [d.pk for d in deliveries]

    deliveries_attempt_batch(delivery_ids=ids)
    deliveries_attempt_batch(delivery_ids=ids)  # the same message delivered twice

    assert len(responses.calls) == 3
    for delivery in Delivery.objects.filter(pk__in=ids):
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
        assert delivery.attempt_rows.count() == 1


@responses.activate
def test_a_batch_leaves_alone_what_is_not_due_or_held_elsewhere(partner_app):
    responses.post(KOCHAVA, json={"success": "1"})
    due, later, elsewhere, delivered = kochava_deliveries(partner_app, 4)
    lease = timezone.now() + timedelta(seconds=60)
    Delivery.objects.filter(pk=later.pk).update(next_attempt_at=lease)
    Delivery.objects.filter(pk=elsewhere.pk).update(
        status=DeliveryStatus.SENDING, next_attempt_at=lease
    )
    Delivery.objects.filter(pk=delivered.pk).update(status=DeliveryStatus.DELIVERED)

    deliveries_attempt_batch(delivery_ids=[due.pk, later.pk, elsewhere.pk, delivered.pk])

    assert len(responses.calls) == 1
    ids = [due.pk, later.pk, elsewhere.pk, delivered.pk]
    statuses = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {
        due.pk: DeliveryStatus.DELIVERED,
        later.pk: DeliveryStatus.PENDING,
        elsewhere.pk: DeliveryStatus.SENDING,
        delivered.pk: DeliveryStatus.DELIVERED,
    }


@responses.activate
def test_a_batch_sends_one_devices_adjust_events_in_occurred_order(partner_app):
    """partners.md 3, Ordering: chronological order per device and event token, whatever the
    order of the ids in the message."""
    responses.get(ADJUST, body="OK")
    now = timezone.now()
    first, second, third = (
        delivery_for(partner_app, Destination.ADJUST, occurred_at=now - timedelta(minutes=m))
        for m in (3, 2, 1)
    )

    deliveries_attempt_batch(delivery_ids=[third.pk, first.pk, second.pk])

    times = [call.request.params["created_at_unix"] for call in responses.calls]
    assert len(times) == 3
    assert times == sorted(times)


@responses.activate
def test_in_a_batch_a_later_adjust_event_waits_for_an_earlier_ones_retry(partner_app):
    """partners.md 3, Ordering: a later event never overtakes an earlier one awaiting a retry."""
    responses.get(ADJUST, status=503)
    now = timezone.now()
    earlier = delivery_for(partner_app, Destination.ADJUST, occurred_at=now - timedelta(minutes=1))
    later = delivery_for(partner_app, Destination.ADJUST, occurred_at=now)

    deliveries_attempt_batch(delivery_ids=[later.pk, earlier.pk])

    earlier.refresh_from_db()
    later.refresh_from_db()
    assert len(responses.calls) == 1
    assert (earlier.status, earlier.attempts) == (DeliveryStatus.PENDING, 1)
    assert (later.status, later.attempts) == (DeliveryStatus.PENDING, 0)
    assert later.next_attempt_at >= earlier.next_attempt_at
    assert "earlier event" in later.last_error


@responses.activate
def test_a_batch_is_one_slot_of_the_destinations_in_flight_cap(partner_app, settings):
    settings.DELIVERY_MAX_IN_FLIGHT_PER_DESTINATION = 1
    responses.post(KOCHAVA, json={"success": "1"})
    deliveries = kochava_deliveries(partner_app, 3)

    deliveries_attempt_batch(delivery_ids=[d.pk for d in deliveries])

    assert len(responses.calls) == 3


@responses.activate
def test_a_batch_over_its_time_gives_the_rest_back_for_the_sweep(partner_app, settings):
    """Nothing is sent once half the lease is gone, so no copy can be sent by the sweep while
    this worker still sends."""
    settings.DELIVERY_SENDING_LEASE_SECONDS = 0
    responses.post(KOCHAVA, json={"success": "1"})
    deliveries = kochava_deliveries(partner_app, 2)

    deliveries_attempt_batch(delivery_ids=[d.pk for d in deliveries])

    assert len(responses.calls) == 0
    for delivery in Delivery.objects.filter(pk__in=[d.pk for d in deliveries]):
        assert (delivery.status, delivery.queued_at, delivery.attempts) == (
            DeliveryStatus.PENDING,
            None,
            0,
        )


@responses.activate
def test_messages_of_one_delivery_queued_before_batches_are_still_delivered(partner_app):
    responses.post(KOCHAVA, json={"success": "1"})
    delivery = delivery_for(partner_app, Destination.KOCHAVA)

    tasks.deliver(delivery.pk)

    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED
