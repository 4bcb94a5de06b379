"""Hand deliveries to Celery after the transaction that created them commits.

The Delivery rows are the outbox: a message is only a wake-up call for a worker, naming up to
DELIVERY_BATCH_SIZE deliveries of one destination (one callback, for callbacks), so a batch of
records is a handful of messages and a hanging partner only ever holds its own. If the broker is
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

DELIVER_TASK = "tracking.deliver_batch"
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


def _messages(rows: list[tuple]) -> list[tuple[str, list[int]]]:
    """(queue, delivery ids) per message: rows grouped by destination (and callback), in the
    order they first appear, cut into DELIVERY_BATCH_SIZE ids at most."""
    groups: dict[tuple, list[int]] = {}
    for delivery_id, *destination in rows:
        groups.setdefault(tuple(destination), []).append(delivery_id)
    size = settings.DELIVERY_BATCH_SIZE
    return [
        (queue_for(destination[0]), ids[start : start + size])
        for destination, ids in groups.items()
        for start in range(0, len(ids), size)
    ]


def deliveries_publish(rows: Iterable[tuple]) -> list[int]:
    """Queue the deliveries given as (id, destination[, callback id]) rows, a few messages for
    many rows; returns the ids the broker took."""
    rows = list(rows)
    if not rows or broker.is_down():
        return []
    published: list[int] = []
    try:
        with celery_app.producer_or_acquire() as producer:
            for queue, ids in _messages(rows):
                celery_app.send_task(DELIVER_TASK, args=[ids], queue=queue, producer=producer)
                published += ids
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
        ).values_list("pk", "destination", "callback_id")
    )
    published = set(deliveries_publish(rows))
    lost = [row[0] for row in rows if row[0] not in published]
    if lost:
        # Not queued after all: the sweep picks them up at its next run, not after the lease.
        Delivery.objects.filter(pk__in=lost, status=DeliveryStatus.PENDING).update(queued_at=None)


def deliveries_enqueue_on_commit(delivery_ids: Iterable[int]) -> None:
    ids = list(delivery_ids)
    if ids:
        # robust: the records are committed, so a failure here must not turn the 202 into a 500;
        # the sweep queues whatever was not published.
        transaction.on_commit(lambda: _publish_committed(ids), robust=True)
