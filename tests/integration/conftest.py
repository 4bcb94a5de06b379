from collections import Counter

import pytest
from django.db import transaction

from tests.factories import (
    AdjustAuthTokenFactory,
    AdjustConfigFactory,
    AdjustEventTokenFactory,
    AppsFlyerConfigFactory,
    EventFactory,
    IosAppFactory,
    KochavaConfigFactory,
)
from tests.live_worker import wait_until
from tracking.models import Delivery, DeliveryStatus, Event
from tracking.outbox import deliveries_enqueue_on_commit
from tracking.routing import deliveries_plan

pytestmark = pytest.mark.integration


@pytest.fixture
def live_app(partner_sandbox):
    """An iOS app configured for Adjust, AppsFlyer and Kochava, in the database the worker and
    the sandbox read."""
    app = IosAppFactory()
    config = AdjustConfigFactory(app=app)
    AdjustEventTokenFactory(config=config, event_name="purchase", event_token="xyzklm")
    AdjustAuthTokenFactory(config=config)
    AppsFlyerConfigFactory(app=app)
    KochavaConfigFactory(app=app)
    return app


def record(app, **fields):
    """Store a record and its deliveries and queue them on commit, as the ingest does."""
    with transaction.atomic():
        event = EventFactory(app=app, **fields)
        deliveries = Delivery.objects.bulk_create(deliveries_plan(event))
        deliveries_enqueue_on_commit([d.pk for d in deliveries])
    return event


def records(app, count: int, **fields) -> list:
    """Store `count` records (each of its own device) in one transaction, as a batch ingest."""
    events = [
        EventFactory.build(app=app, device_ids={"idfa": device_id(n)}, **fields)
        for n in range(count)
    ]
    with transaction.atomic():
        Event.objects.bulk_create(events)
        deliveries = Delivery.objects.bulk_create(
            [delivery for event in events for delivery in deliveries_plan(event)]
        )
        deliveries_enqueue_on_commit([d.pk for d in deliveries])
    return events


def device_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def kochava_app():
    app = IosAppFactory()
    KochavaConfigFactory(app=app)
    return app


def wait_for_status(deliveries, status: str, *, timeout: float) -> None:
    ids = [d.pk for d in deliveries]
    wait_until(
        lambda: Delivery.objects.filter(pk__in=ids, status=status).count() == len(ids),
        timeout=timeout,
        interval=0.2,
        message=lambda: (
            f"{len(ids)} deliveries {status}: "
            + str(Counter(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True)))
            + "; last errors: "
            + str(set(Delivery.objects.filter(pk__in=ids).values_list("destination", "last_error")))
        ),
    )


def all_delivered(events, *, timeout: float) -> None:
    wait_for_status(
        Delivery.objects.filter(event__in=events).exclude(status=DeliveryStatus.SKIPPED),
        DeliveryStatus.DELIVERED,
        timeout=timeout,
    )
