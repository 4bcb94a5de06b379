import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import EventFactory, IosAppFactory
from tracking.models import Delivery, DeliveryStatus, Destination

pytestmark = pytest.mark.django_db


def delivery(event, status, destination=Destination.ADJUST, **fields):
    return Delivery.objects.create(event=event, destination=destination, status=status, **fields)


def chart(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="chart-data" type="application/json">') + 48
    return json.loads(html[start : html.index("</script>", start)])


def test_the_chart_counts_the_last_24_hours_by_app_destination_and_status(as_marketer):
    event = EventFactory(app=IosAppFactory(name="Rocket"))
    delivery(event, DeliveryStatus.DELIVERED)
    delivery(event, DeliveryStatus.DELIVERED)
    delivery(event, DeliveryStatus.FAILED)
    old = delivery(event, DeliveryStatus.DELIVERED)
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    data = chart(as_marketer.get("/monitor/"))

    assert data["labels"] == ["Rocket · Adjust event"]
    by_status = {d["status"]: d["data"] for d in data["datasets"]}
    assert by_status == {"delivered": [2], "failed": [1]}


def test_recent_failures_show_the_partners_message_and_attempts(as_marketer):
    event = EventFactory()
    delivery(
        event,
        DeliveryStatus.DEAD,
        attempts=8,
        last_status_code=500,
        last_error="Internal error, contact support@adjust.com",
    )

    html = as_marketer.get("/monitor/").content.decode()

    assert "Internal error, contact support@adjust.com" in html
    assert "<td>8</td>" in html
    assert "HTTP 500" in html


def test_search_finds_an_event_by_id(as_marketer):
    event = EventFactory()
    EventFactory()

    response = as_marketer.get("/monitor/", {"q": str(event.pk)})

    assert list(response.context["results"]) == [event]


def test_search_finds_events_by_device_id(as_marketer):
    event = EventFactory(device_ids={"gps_adid": "38400000-8cf0-11bd-b23e-10b96e40000d"})
    EventFactory()

    response = as_marketer.get("/monitor/", {"q": "38400000-8cf0"})

    assert list(response.context["results"]) == [event]


def test_an_admin_replays_a_failed_delivery(as_admin):
    failed = delivery(EventFactory(), DeliveryStatus.FAILED, attempts=1, last_error="400 Bad")

    response = as_admin.post("/monitor/replay/", {"delivery": failed.pk}, follow=True)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.PENDING, 0)
    assert b"1 delivery queued again" in response.content


def test_replay_all_failed_of_an_app_leaves_other_apps_alone(as_admin):
    mine, other = EventFactory(), EventFactory()
    dead = delivery(mine, DeliveryStatus.DEAD)
    untouched = delivery(other, DeliveryStatus.DEAD)

    as_admin.post("/monitor/replay/", {"app": mine.app.pk})

    dead.refresh_from_db()
    untouched.refresh_from_db()
    assert (dead.status, untouched.status) == (DeliveryStatus.PENDING, DeliveryStatus.DEAD)


def test_a_replay_naming_an_unknown_app_replays_nothing(as_admin):
    failed = delivery(EventFactory(), DeliveryStatus.FAILED)

    response = as_admin.post("/monitor/replay/", {"app": "999999"}, follow=True)

    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED
    assert b"Nothing replayed" in response.content
