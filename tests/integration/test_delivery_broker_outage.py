"""Never lose: with the broker stopped, the API still answers 202 at once, and every record is
delivered once the broker is back (the sweep queues what could not be published)."""

import time

from tests.integration.conftest import device_id, kochava_app, wait_for_status
from tests.tracking.api_support import api_for
from tracking.models import Delivery, DeliveryStatus

RECORDS = 200


def test_records_posted_while_the_broker_is_down_are_accepted_and_delivered_after(
    partner_sandbox, private_redis, worker_launcher
):
    app = kochava_app()
    api = api_for(app)
    worker_launcher.start()
    private_redis.stop()

    answers, slowest = [], 0.0
    for n in range(RECORDS):
        started = time.monotonic()
        response = api.post("installs/", {"app": app.pk, "idfa": device_id(n), "att_status": 3})
        slowest = max(slowest, time.monotonic() - started)
        answers.append(response.status_code)
    private_redis.start()

    assert answers == [202] * RECORDS
    wait_for_status(Delivery.objects.filter(event__app=app), DeliveryStatus.DELIVERED, timeout=90)
    print(f"\nbroker down: {RECORDS} answered 202, slowest answer {slowest * 1000:.0f} ms")
    assert slowest < 1.5
    assert len(partner_sandbox.requests("/track/json")) == RECORDS
