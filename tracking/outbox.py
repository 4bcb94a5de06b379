"""Hand deliveries to Celery after the transaction that created them commits.

The Delivery rows are the outbox: if the broker is down or a message is lost, the beat task
re-queues pending deliveries whose time has come, so nothing is lost.
"""

from collections.abc import Iterable

from django.db import transaction

from tracking.celery import app as celery_app

DELIVER_TASK = "tracking.deliver"


def _send(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        try:
            celery_app.send_task(DELIVER_TASK, args=[delivery_id])
        except Exception:  # noqa: BLE001 - broker down: the beat sweep re-queues it later
            return


def deliveries_enqueue_on_commit(delivery_ids: Iterable[int]) -> None:
    ids = list(delivery_ids)
    if ids:
        transaction.on_commit(lambda: _send(ids))
