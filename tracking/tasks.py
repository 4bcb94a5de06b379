"""Celery tasks: thin wrappers over the delivery services.

`tracking.deliver_batch` (a list of one destination's delivery ids, what the outbox queues) is
late-acknowledged and safe to run twice (the service claims the deliveries atomically first), so
a message redelivered after a worker crash never sends a record twice. `tracking.deliver` (one
id) stays for messages queued before batches existed.
Retry times are kept in the database and queued by the sweep, never only in broker memory.
"""

from celery import shared_task

from tracking.services.delivery import deliveries_attempt_batch, deliveries_sweep, delivery_attempt


@shared_task(name="tracking.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: int) -> None:
    delivery_attempt(delivery_id=delivery_id)


@shared_task(name="tracking.deliver_batch", acks_late=True, ignore_result=True)
def deliver_batch(delivery_ids: list[int]) -> None:
    deliveries_attempt_batch(delivery_ids=delivery_ids)


@shared_task(name="tracking.sweep_deliveries", ignore_result=True)
def sweep_deliveries() -> None:
    deliveries_sweep()
