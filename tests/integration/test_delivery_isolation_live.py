"""Partner timing and isolation with a real worker: clicks never wait behind events (partners.md
4: send each click at once, on their own real-time queue), and a hanging partner never holds the
others back."""

import time

from tests.factories import AppsFlyerConfigFactory, IosAppFactory
from tests.integration.conftest import kochava_app, record, records, wait_for_status
from tracking.models import Delivery, DeliveryStatus, Destination, EventKind

BACKLOG = 5000
CLICK_DEADLINE_SECONDS = 10.0
HANG_SECONDS = 60


def test_click_is_delivered_while_thousands_of_events_are_queued(
    partner_sandbox, celery_worker_process
):
    """partners.md 4: clicks go on their own real-time queue, never behind a backlog."""
    backlog_app = kochava_app()
    records(backlog_app, BACKLOG, kind=EventKind.INSTALL, name="")
    click_app = IosAppFactory()
    AppsFlyerConfigFactory(app=click_app)
    started = time.monotonic()

    click = record(click_app, kind=EventKind.CLICK, name="")

    wait_for_status(
        click.deliveries.all(), DeliveryStatus.DELIVERED, timeout=CLICK_DEADLINE_SECONDS
    )
    elapsed = time.monotonic() - started
    still_queued = Delivery.objects.filter(
        event__app=backlog_app, status=DeliveryStatus.PENDING
    ).count()
    print(f"\nclick delivered in {elapsed:.1f} s with {still_queued} events still queued")
    # The backlog could not have been worked through in the time the click took.
    assert still_queued > BACKLOG // 2


def time_to_deliver(app, count: int, destinations: tuple[str, ...]) -> float:
    started = time.monotonic()
    events = records(app, count, name="purchase")
    wait_for_status(
        Delivery.objects.filter(event__in=events, destination__in=destinations),
        DeliveryStatus.DELIVERED,
        timeout=60,
    )
    return time.monotonic() - started


def test_hanging_appsflyer_never_holds_adjust_and_kochava_back(
    live_app, partner_sandbox, celery_worker_process
):
    others = (Destination.ADJUST, Destination.KOCHAVA)
    own_speed = time_to_deliver(live_app, 20, others)
    partner_sandbox.fault("/inappevent/", hang_seconds=HANG_SECONDS, count=1000)

    with_appsflyer_hanging = time_to_deliver(live_app, 20, others)

    print(
        f"\nAdjust + Kochava: {own_speed:.1f} s alone, "
        f"{with_appsflyer_hanging:.1f} s with AppsFlyer hanging"
    )
    assert with_appsflyer_hanging <= 3 * own_speed + 2
