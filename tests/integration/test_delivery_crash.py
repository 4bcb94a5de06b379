"""Never lose, never double: a worker killed with SIGKILL in the middle of 1,000 deliveries, then
restarted, still delivers all of them; duplicates are at most the requests in flight at the kill
(a crash between the partner's 200 and our commit), and are counted."""

import json
from collections import Counter

from tests.integration.conftest import device_id, kochava_app, records, wait_for_status
from tests.live_worker import wait_until
from tracking.models import Delivery, DeliveryStatus

COUNT = 1000
CONCURRENCY = 4


def idfas_seen(sandbox) -> Counter:
    """How many times the sandbox received each of this test's devices."""
    ours = {device_id(n) for n in range(COUNT)}
    seen = Counter()
    for entry in sandbox.requests("/track/json"):
        idfa = json.loads(entry["body"] or "{}").get("data", {}).get("device_ids", {}).get("idfa")
        if idfa in ours:
            seen[idfa] += 1
    return seen


def test_worker_killed_mid_backlog_loses_nothing_and_doubles_at_most_the_in_flight(
    partner_sandbox, worker_launcher
):
    app = kochava_app()
    # No in-flight cap here: only this destination is busy, and the bound on duplicates is the
    # worker's concurrency.
    no_cap = {"DELIVERY_MAX_IN_FLIGHT_PER_DESTINATION": "0"}
    worker = worker_launcher.start(concurrency=CONCURRENCY, **no_cap)
    records(app, COUNT, kind="install", name="")
    deliveries = Delivery.objects.filter(event__app=app)

    wait_until(
        lambda: deliveries.filter(status=DeliveryStatus.DELIVERED).count() >= COUNT // 5,
        timeout=60,
        message="a fifth of the backlog delivered before the kill",
    )
    worker.kill()
    delivered_at_kill = deliveries.filter(status=DeliveryStatus.DELIVERED).count()
    worker_launcher.start(concurrency=CONCURRENCY, **no_cap)

    wait_for_status(deliveries, DeliveryStatus.DELIVERED, timeout=120)
    seen = idfas_seen(partner_sandbox)
    duplicates = sum(count - 1 for count in seen.values())
    print(
        f"\nSIGKILL after {delivered_at_kill}/{COUNT} delivered: all {COUNT} delivered, "
        f"{duplicates} duplicate request(s) seen by the sandbox."
    )
    assert len(seen) == COUNT
    assert duplicates <= CONCURRENCY
