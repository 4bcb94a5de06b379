"""POST batch/: up to 1,000 records of mixed kinds, each accepted or rejected on its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AdjustEventTokenFactory, IosAppFactory, KochavaConfigFactory
from tests.tracking.api_support import IDFA, api_for, ios_event
from tracking.models import Delivery, Event

pytestmark = pytest.mark.django_db


def test_mixed_records_are_each_accepted_or_rejected_by_index():
    app = IosAppFactory()
    records = [
        {"kind": "install", "app": app.pk, "idfa": IDFA, "att_status": 3},
        {"kind": "event", **ios_event(app, revenue="lots", currency="USD")},
        {"kind": "click", "app": app.pk, "click_id": "c-1"},
        {"kind": "holiday", "app": app.pk},
        "not an object",
        {"kind": "view", "app": app.pk},
    ]

    response = api_for(app).post("batch/", {"records": records})

    assert response.status_code == 202
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (3, 3)
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3, 4, 5]
    assert [r["accepted"] for r in body["results"]] == [True, False, True, False, False, True]
    assert "revenue" in body["results"][1]["errors"]
    assert "kind" in body["results"][3]["errors"]
    assert sorted(Event.objects.values_list("kind", flat=True)) == ["click", "install", "view"]


def test_a_record_for_an_app_outside_the_tokens_scope_is_rejected_alone():
    allowed, other = IosAppFactory(), IosAppFactory()
    records = [
        {"kind": "event", **ios_event(other)},
        {"kind": "event", **ios_event(allowed)},
    ]

    response = api_for(allowed).post("batch/", {"records": records})

    first, second = response.json()["results"]
    assert "app" in first["errors"]
    assert second["accepted"] is True


def test_door_checks_apply_per_record():
    """partners.md §2: Kochava needs at least one device id."""
    app = KochavaConfigFactory().app
    records = [
        {"kind": "install", "app": app.pk, "att_status": 3},
        {"kind": "install", "app": app.pk, "idfa": IDFA, "att_status": 3},
    ]

    response = api_for(app).post("batch/", {"records": records})

    assert [r["accepted"] for r in response.json()["results"]] == [False, True]


def test_accepted_records_get_their_planned_deliveries():
    app = AdjustEventTokenFactory(event_name="purchase").config.app
    records = [{"kind": "event", **ios_event(app)} for _ in range(3)]

    response = api_for(app).post("batch/", {"records": records})

    assert all(r["deliveries"][0]["destination"] == "adjust" for r in response.json()["results"])
    assert Delivery.objects.filter(status="pending").count() == 3


def test_a_batch_is_a_few_queries_and_one_enqueue_whatever_its_size(
    django_capture_on_commit_callbacks,
):
    app = AdjustEventTokenFactory(event_name="purchase").config.app
    KochavaConfigFactory(app=app)
    api = api_for(app)
    records = [{"kind": "event", **ios_event(app, event_id=f"e{i}")} for i in range(200)]

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        response = api.post("batch/", {"records": records})

    assert response.json()["accepted"] == 200
    assert Delivery.objects.count() == 400
    assert len(callbacks) == 1
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    # Bulk inserts: SQLite caps the rows per statement, so a few, never one per record.
    assert len(inserts) < 20
    assert len(queries.captured_queries) < 40


@pytest.mark.parametrize("records", [[], None, "records", {"kind": "event"}])
def test_a_batch_without_a_list_of_records_is_400(records):
    app = IosAppFactory()

    response = api_for(app).post("batch/", {"records": records})

    assert response.status_code == 400
    assert "records" in response.json()


def test_more_than_1000_records_is_400(settings):
    app = IosAppFactory()
    record = {"kind": "install", "app": app.pk}

    response = api_for(app).post("batch/", {"records": [record] * 1001})

    assert response.status_code == 400
    assert "records" in response.json()
    assert not Event.objects.exists()


def test_1000_records_are_accepted():
    app = IosAppFactory()
    record = {"kind": "install", "app": app.pk, "idfa": IDFA, "att_status": 3}

    response = api_for(app).post("batch/", {"records": [record] * 1000})

    assert response.json()["accepted"] == 1000
    assert Event.objects.count() == 1000
