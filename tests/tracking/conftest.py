import pytest
from kombu import Connection

from tests.factories import (
    AdjustAuthTokenFactory,
    AdjustConfigFactory,
    AdjustEventTokenFactory,
    AppsFlyerConfigFactory,
    EventFactory,
    IosAppFactory,
    KochavaConfigFactory,
)
from tests.live_worker import celery_broker, free_port
from tracking.models import Delivery
from tracking.outbox import DELIVERIES_QUEUE, REALTIME_QUEUE
from tracking.routing import deliveries_plan

PARTNER_HOSTS = ["s2s.adjust.com", "control.kochava.com", "api3.appsflyer.com", "app.appsflyer.com"]


@pytest.fixture
def delivery_settings(settings):
    """The partners' real hosts (faked at the transport by `responses`) and retries without
    random spread, so that tests can state exact retry times."""
    settings.OUTBOUND_ALLOWED_HOSTS = PARTNER_HOSTS + ["app.adjust.com"]
    settings.DELIVERY_RETRY_JITTER = 0
    return settings


@pytest.fixture
def partner_app(db, delivery_settings):
    """An iOS app configured for Adjust (purchase mapped, one live auth token), AppsFlyer and
    Kochava."""
    app = IosAppFactory()
    config = AdjustConfigFactory(app=app)
    AdjustEventTokenFactory(config=config, event_name="purchase", event_token="xyzklm")
    AdjustAuthTokenFactory(config=config)
    AppsFlyerConfigFactory(app=app)
    KochavaConfigFactory(app=app)
    return app


def planned_deliveries(event) -> dict[str, Delivery]:
    """Route an event as ingest does and save its deliveries, keyed by destination."""
    deliveries = Delivery.objects.bulk_create(deliveries_plan(event))
    return {delivery.destination: delivery for delivery in deliveries}


def delivery_for(app, destination: str, **event_fields) -> Delivery:
    return planned_deliveries(EventFactory(app=app, **event_fields))[destination]


class MemoryBroker:
    """Celery pointed at kombu's in-memory transport, to read what was queued."""

    def __init__(self, url: str) -> None:
        self.url = url

    def batches(self, queue: str) -> list[tuple[str, list[int]]]:
        """(task name, delivery ids) of each message queued on `queue`, taken off it."""
        batches = []
        with Connection(self.url) as connection:
            channel = connection.default_channel
            channel.queue_declare(queue=queue, passive=False)
            while (message := channel.basic_get(queue, no_ack=True)) is not None:
                args, _kwargs, _options = message.payload
                batches.append((message.headers["task"], args[0]))
        return batches

    def messages(self, queue: str) -> list[int]:
        """The delivery ids queued on `queue`, taken off it."""
        return [pk for _task, ids in self.batches(queue) for pk in ids]

    def all(self) -> dict[str, list[int]]:
        return {queue: self.messages(queue) for queue in (REALTIME_QUEUE, DELIVERIES_QUEUE)}


@pytest.fixture
def memory_broker():
    with celery_broker("memory://localhost/") as url:
        broker = MemoryBroker(url)
        broker.all()  # start empty
        yield broker


@pytest.fixture
def unreachable_broker():
    """A Redis broker URL on a port where nothing listens: publishing fails."""
    with celery_broker(f"redis://127.0.0.1:{free_port()}/0") as url:
        yield url
