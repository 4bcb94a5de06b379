"""partners.md 3, Ordering: events with a timestamp must reach Adjust in chronological order per
device and event token; an earlier one sent after a later one is rejected. Held even when the
earlier one needs a retry."""

from datetime import timedelta

from django.utils import timezone

from tests.integration.conftest import record, wait_for_status
from tracking.models import DeliveryStatus, Destination


def test_adjust_events_of_one_device_arrive_in_time_order_though_the_earlier_failed_once(
    live_app, partner_sandbox, celery_worker_process
):
    partner_sandbox.fault("/event", status=500, count=1)
    now = timezone.now()

    earlier = record(live_app, name="purchase", occurred_at=now - timedelta(minutes=2))
    later = record(live_app, name="purchase", occurred_at=now - timedelta(minutes=1))

    adjust = [e.deliveries.get(destination=Destination.ADJUST) for e in (earlier, later)]
    wait_for_status(adjust, DeliveryStatus.DELIVERED, timeout=30)
    received = [
        (int(entry["params"]["created_at_unix"]), entry["status"])
        for entry in partner_sandbox.requests("/event")
    ]
    earlier_at, later_at = (int(e.occurred_at.timestamp()) for e in (earlier, later))
    assert received == [(earlier_at, 500), (earlier_at, 200), (later_at, 200)]
