"""GET events/<id>/: the record and each delivery's status with the partner's last message."""

import uuid

import pytest

from tests.factories import AdjustEventTokenFactory, IosAppFactory
from tests.tracking.api_support import api_for, ios_event
from tracking.models import Delivery

pytestmark = pytest.mark.django_db


def test_the_record_comes_back_with_each_deliverys_status_and_partner_message():
    app = AdjustEventTokenFactory(event_name="purchase").config.app
    api = api_for(app)
    event_id = api.post("events/", ios_event(app, event_id="order-9")).json()["id"]
    Delivery.objects.update(status="failed", last_status_code=400, last_error="Invalid revenue")

    response = api.get(f"events/{event_id}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["event_name"], body["event_id"]) == (event_id, "purchase", "order-9")
    (delivery,) = body["deliveries"]
    assert (delivery["destination"], delivery["status"], delivery["last_message"]) == (
        "adjust",
        "failed",
        "Invalid revenue",
    )
    assert delivery["last_status_code"] == 400


def test_a_record_of_an_app_outside_the_tokens_scope_is_404():
    app, other = IosAppFactory(), IosAppFactory()
    event_id = api_for(other).post("events/", ios_event(other)).json()["id"]

    response = api_for(app).get(f"events/{event_id}/")

    assert response.status_code == 404


def test_an_unknown_record_is_404():
    app = IosAppFactory()

    assert api_for(app).get(f"events/{uuid.uuid4()}/").status_code == 404


def test_a_malformed_record_id_is_a_json_404():
    app = IosAppFactory()

    response = api_for(app).get("events/not-a-uuid/")

    assert response.status_code == 404
    assert "detail" in response.json()
