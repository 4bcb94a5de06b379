"""Celery tasks: thin wrappers over the delivery services.

`tracking.deliver` is late-acknowledged and safe to run twice (the service claims the delivery
atomically first), so a message redelivered after a worker crash never sends a record twice.
Retry times are kept in the database and queued by the sweep, never only in broker memory.
"""

from celery import shared_task

from tracking.services.delivery import deliveries_sweep, delivery_attempt


@shared_task(name="tracking.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: int) -> None:
    delivery_attempt(delivery_id=delivery_id)


@shared_task(name="tracking.sweep_deliveries", ignore_result=True)
def sweep_deliveries() -> None:
    deliveries_sweep()
