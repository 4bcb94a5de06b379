"""The sweep: queues every due delivery with no message in flight, and takes back claims whose
worker died, so that a lost message or a killed worker loses nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import IosAppFactory, KochavaConfigFactory
from tests.tracking.conftest import delivery_for
from tracking.models import Delivery, DeliveryStatus, Destination, EventKind
from tracking.outbox import DELIVERIES_QUEUE, REALTIME_QUEUE, deliveries_publish
from tracking.services.delivery import WORKER_LOST, WORKER_LOST_TOO_OFTEN, deliveries_sweep


def make_lost(delivery: Delivery, *, queued_ago: timedelta | None = None) -> None:
    """The delivery's message never reached a worker (queued long ago, or never)."""
    queued_at = timezone.now() - queued_ago if queued_ago else None
    Delivery.objects.filter(pk=delivery.pk).update(queued_at=queued_at)


def test_due_delivery_without_a_message_is_queued_on_the_deliveries_queue(
    partner_app, memory_broker
):
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    make_lost(delivery)

    assert deliveries_sweep() == 1

    assert memory_broker.all() == {REALTIME_QUEUE: [], DELIVERIES_QUEUE: [delivery.pk]}
    delivery.refresh_from_db()
    assert delivery.queued_at is not None


def test_clicks_are_queued_on_the_realtime_queue(partner_app, memory_broker):
    """partners.md 4: clicks go on their own real-time queue."""
    click = delivery_for(partner_app, Destination.APPSFLYER_CLICK, kind=EventKind.CLICK, name="")
    make_lost(click)

    deliveries_sweep()

    assert memory_broker.all() == {REALTIME_QUEUE: [click.pk], DELIVERIES_QUEUE: []}


def test_delivery_whose_message_is_recent_is_not_queued_twice(partner_app, memory_broker):
    delivery_for(partner_app, Destination.KOCHAVA)  # queued at ingest, just now

    assert deliveries_sweep() == 0

    assert memory_broker.all()[DELIVERIES_QUEUE] == []


def test_delivery_whose_message_is_older_than_the_requeue_delay_is_queued_again(
    partner_app, memory_broker, settings
):
    settings.DELIVERY_REQUEUE_AFTER_SECONDS = 300
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    make_lost(delivery, queued_ago=timedelta(seconds=301))

    deliveries_sweep()

    assert memory_broker.all()[DELIVERIES_QUEUE] == [delivery.pk]


def test_delivery_not_yet_due_is_not_queued(partner_app, memory_broker):
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    Delivery.objects.filter(pk=delivery.pk).update(
        queued_at=None, next_attempt_at=timezone.now() + timedelta(minutes=1)
    )

    assert deliveries_sweep() == 0


def test_claim_of_a_worker_that_died_is_taken_back_and_queued_again(partner_app, memory_broker):
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING,
        queued_at=None,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )

    deliveries_sweep()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error == WORKER_LOST
    assert memory_broker.all()[DELIVERIES_QUEUE] == [delivery.pk]


def test_live_claim_is_left_alone(partner_app, memory_broker):
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, next_attempt_at=timezone.now() + timedelta(seconds=30)
    )

    deliveries_sweep()

    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENDING


def kochava_app():
    app = IosAppFactory()
    KochavaConfigFactory(app=app)
    return app


def test_one_apps_backlog_is_interleaved_with_the_other_apps(
    db, delivery_settings, memory_broker, settings
):
    settings.DELIVERY_SWEEP_PER_APP = 2
    busy_app = kochava_app()
    busy = [delivery_for(busy_app, Destination.KOCHAVA) for _ in range(5)]
    quiet = delivery_for(kochava_app(), Destination.KOCHAVA)
    Delivery.objects.update(queued_at=None)

    deliveries_sweep()

    queued = memory_broker.all()[DELIVERIES_QUEUE]
    assert quiet.pk in queued
    assert sorted(pk for pk in queued if pk != quiet.pk) == [busy[0].pk, busy[1].pk]


@pytest.mark.django_db
def test_broker_down_leaves_deliveries_for_the_next_sweep(delivery_settings, unreachable_broker):
    delivery = delivery_for(kochava_app(), Destination.KOCHAVA)
    make_lost(delivery)

    assert deliveries_sweep() == 0

    assert Delivery.objects.get(pk=delivery.pk).queued_at is None


def test_while_the_queues_are_deep_presumed_lost_messages_are_not_copied(
    partner_app, memory_broker, settings
):
    settings.DELIVERY_SWEEP_BATCH = 3
    backlog = [delivery_for(partner_app, Destination.KOCHAVA) for _ in range(3)]
    for delivery in backlog:
        make_lost(delivery, queued_ago=timedelta(hours=1))
    never_queued = backlog.pop()
    make_lost(never_queued)
    deliveries_publish([(d.pk, d.destination) for d in backlog] * 2)  # the queue: 4 messages

    deliveries_sweep()

    assert memory_broker.all()[DELIVERIES_QUEUE] == [d.pk for d in backlog] * 2 + [never_queued.pk]


def test_claim_of_a_dead_worker_past_the_age_limit_is_given_up(partner_app, memory_broker):
    delivery = delivery_for(partner_app, Destination.KOCHAVA)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
        retry_until=timezone.now() - timedelta(seconds=1),
    )

    deliveries_sweep()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.last_error == WORKER_LOST_TOO_OFTEN
    assert memory_broker.all()[DELIVERIES_QUEUE] == []
