"""The outbox: deliveries are queued after their transaction commits, each on its queue, and a
broker that is down never blocks or fails the ingest."""

import time

from django.db import transaction

from tests.factories import EventFactory
from tests.tracking.conftest import planned_deliveries
from tracking.models import Delivery, Destination, EventKind
from tracking.outbox import DELIVERIES_QUEUE, REALTIME_QUEUE, deliveries_enqueue_on_commit


def ingest(app, **event_fields) -> dict[str, Delivery]:
    with transaction.atomic():
        deliveries = planned_deliveries(EventFactory(app=app, **event_fields))
        deliveries_enqueue_on_commit([d.pk for d in deliveries.values()])
    return deliveries


def test_nothing_is_queued_before_the_commit(partner_app, memory_broker):
    with transaction.atomic():
        deliveries = planned_deliveries(EventFactory(app=partner_app))
        deliveries_enqueue_on_commit([d.pk for d in deliveries.values()])

        assert memory_broker.all() == {REALTIME_QUEUE: [], DELIVERIES_QUEUE: []}


def test_event_deliveries_are_queued_on_the_deliveries_queue_after_commit(
    partner_app, memory_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = ingest(partner_app)

    assert sorted(memory_broker.all()[DELIVERIES_QUEUE]) == sorted(
        d.pk for d in deliveries.values()
    )


def test_clicks_are_queued_on_the_realtime_queue(
    partner_app, memory_broker, django_capture_on_commit_callbacks
):
    """partners.md 4: send each click at once: clicks go on their own real-time queue."""
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = ingest(partner_app, kind=EventKind.CLICK, name="")

    assert memory_broker.all() == {
        REALTIME_QUEUE: [deliveries[Destination.APPSFLYER_CLICK].pk],
        DELIVERIES_QUEUE: [],
    }


def test_skipped_deliveries_are_not_queued(
    partner_app, memory_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = ingest(partner_app, kind=EventKind.INSTALL, name="")

    assert memory_broker.all()[DELIVERIES_QUEUE] == [deliveries[Destination.KOCHAVA].pk]


def test_broker_down_costs_the_ingest_at_most_a_second_and_leaves_the_rows_to_the_sweep(
    partner_app, unreachable_broker, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = ingest(partner_app)
    elapsed = time.monotonic() - started

    assert elapsed < 1.0
    assert all(Delivery.objects.get(pk=d.pk).queued_at is None for d in deliveries.values())


def test_after_a_broker_failure_the_next_ingests_do_not_try_it_again_at_once(
    partner_app, unreachable_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ingest(partner_app)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(20):
            ingest(partner_app)

    assert time.monotonic() - started < 1.0
