"""Hand deliveries to Celery after the transaction that created them commits.

The Delivery rows are the outbox: a message is only a wake-up call for a worker. If the broker is
down or a message is lost, the beat sweep (`deliveries_sweep`) queues again every pending delivery
that is due and has no message in flight, so nothing is lost and the API never waits for a broker.
"""

import logging
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tracking.celery import app as celery_app
from tracking.models import Delivery, DeliveryStatus, Destination

logger = logging.getLogger(__name__)

DELIVER_TASK = "tracking.deliver"
REALTIME_QUEUE = "realtime"
DELIVERIES_QUEUE = "deliveries"
# partners.md 1 and 4: clicks and completed views are sent in real time, on their own queue.
REALTIME_DESTINATIONS = frozenset({Destination.APPSFLYER_CLICK, Destination.CALLBACK})


class _BrokerMemo:
    """Remembers, per process, that the broker just refused a message, so that the next requests
    do not each pay a connection timeout: the sweep publishes for them once the broker is back."""

    def __init__(self) -> None:
        self._down_until = 0.0
        self._lock = threading.Lock()

    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def forget(self) -> None:
        """The broker configuration changed: try it again at once."""
        with self._lock:
            self._down_until = 0.0

    def mark_down(self) -> None:
        with self._lock:
            self._down_until = time.monotonic() + settings.DELIVERY_BROKER_DOWN_SECONDS


broker = _BrokerMemo()


def queue_for(destination: str) -> str:
    return REALTIME_QUEUE if destination in REALTIME_DESTINATIONS else DELIVERIES_QUEUE


def deliveries_publish(rows: Iterable[tuple[int, str]]) -> list[int]:
    """Queue one message per (delivery id, destination); returns the ids the broker took."""
    rows = list(rows)
    if not rows or broker.is_down():
        return []
    published: list[int] = []
    try:
        with celery_app.producer_or_acquire() as producer:
            for delivery_id, destination in rows:
                celery_app.send_task(
                    DELIVER_TASK,
                    args=[delivery_id],
                    queue=queue_for(destination),
                    producer=producer,
                )
                published.append(delivery_id)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep publishes the rest later
        broker.mark_down()
        logger.warning(
            "Broker unavailable: %d deliveries left for the sweep to queue.",
            len(rows) - len(published),
        )
    return published


def queued_messages() -> int | None:
    """Messages waiting in the delivery queues, or None when the broker cannot say."""
    try:
        with celery_app.connection_for_write() as connection:
            channel = connection.default_channel
            # Declared as Celery declares them (durable), so this never conflicts on AMQP.
            return sum(
                channel.queue_declare(queue=queue, durable=True, auto_delete=False).message_count
                for queue in (REALTIME_QUEUE, DELIVERIES_QUEUE)
            )
    except Exception:  # noqa: BLE001 - broker down: nothing can be queued anyway
        return None


def _publish_committed(delivery_ids: list[int]) -> None:
    rows = list(
        Delivery.objects.filter(
            pk__in=delivery_ids,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=timezone.now(),
        ).values_list("pk", "destination")
    )
    published = set(deliveries_publish(rows))
    lost = [pk for pk, _ in rows if pk not in published]
    if lost:
        # Not queued after all: the sweep picks them up at its next run, not after the lease.
        Delivery.objects.filter(pk__in=lost, status=DeliveryStatus.PENDING).update(queued_at=None)


def deliveries_enqueue_on_commit(delivery_ids: Iterable[int]) -> None:
    ids = list(delivery_ids)
    if ids:
        # robust: the records are committed, so a failure here must not turn the 202 into a 500;
        # the sweep queues whatever was not published.
        transaction.on_commit(lambda: _publish_committed(ids), robust=True)
