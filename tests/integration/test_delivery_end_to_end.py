"""End to end: records posted to the API reach the live sandbox, delivered by a real worker, in
each partner's exact wire format, and the API then shows every delivery delivered."""

import json
import time

import pytest

from tests.factories import CallbackFactory
from tests.integration.conftest import wait_for_status
from tests.tracking.api_support import APPSFLYER_ID, IDFA, api_for, ios_event
from tracking.models import Delivery, DeliveryStatus


@pytest.fixture
def api(live_app, partner_sandbox):
    receiver = f"{partner_sandbox.url}/receiver/click?idfa={{idfa}}"
    live_app.click_callback = CallbackFactory(enabled=True, template__url_template=receiver)
    live_app.save()
    return api_for(live_app)


def post(api, path: str, payload: dict) -> str:
    response = api.post(path, payload)
    assert response.status_code == 202, response.content
    return response.json()["id"]


def delivered(event_id: str) -> None:
    wait_for_status(
        Delivery.objects.filter(event_id=event_id).exclude(status=DeliveryStatus.SKIPPED),
        DeliveryStatus.DELIVERED,
        timeout=30,
    )


def test_in_app_event_reaches_adjust_appsflyer_and_kochava_in_their_wire_formats(
    api, live_app, partner_sandbox, celery_worker_process
):
    occurred_at = int(time.time()) - 3600
    event_id = post(api, "events/", ios_event(live_app, occurred_at=occurred_at))

    delivered(event_id)

    # partners.md 3, Always: s2s=1, app_token, event_token, device ids; Auth: Bearer header.
    [adjust] = partner_sandbox.requests("/event")
    assert adjust["method"] == "GET"
    assert adjust["params"] | {"created_at_unix": "x"} == adjust["params"] | {
        "s2s": "1",
        "app_token": live_app.adjust_config.app_token,
        "event_token": "xyzklm",
        "idfa": IDFA,
        "ip_address": "203.0.113.7",
        "created_at_unix": "x",
    }
    assert adjust["params"]["created_at_unix"] == str(occurred_at)
    assert adjust["headers"]["Authorization"].startswith("Bearer ")
    # partners.md 2, Body: action, kochava_app_id, kochava_device_id at the top, the rest in data.
    [kochava] = partner_sandbox.requests("/track/json")
    body = json.loads(kochava["body"])
    assert set(body) == {"action", "kochava_app_id", "kochava_device_id", "data"}
    assert (body["action"], body["data"]["event_name"]) == ("event", "purchase")
    assert body["data"]["device_ids"]["idfa"] == IDFA
    # partners.md 5: POST JSON, authentication header, stringified eventValue, iOS os.
    [appsflyer] = partner_sandbox.requests("/inappevent/")
    assert appsflyer["path"] == f"/inappevent/{live_app.appsflyer_config.appsflyer_app_id}"
    assert appsflyer["headers"]["authentication"] == live_app.appsflyer_config.s2s_key
    body = json.loads(appsflyer["body"])
    assert (body["appsflyer_id"], body["eventName"], body["os"]) == (
        APPSFLYER_ID,
        "purchase",
        "17.1",
    )
    assert isinstance(body["eventValue"], str)


def test_api_shows_each_delivery_delivered(api, live_app, partner_sandbox, celery_worker_process):
    event_id = post(api, "events/", ios_event(live_app))

    delivered(event_id)

    deliveries = api.get(f"events/{event_id}/").json()["deliveries"]
    assert {d["destination"]: d["status"] for d in deliveries} == {
        "adjust": "delivered",
        "appsflyer_event": "delivered",
        "kochava": "delivered",
    }


def test_install_goes_to_kochava_only_and_click_to_appsflyer_and_the_callback(
    api, live_app, partner_sandbox, celery_worker_process
):
    """partners.md 2: one POST per install; 3: Adjust takes no installs; 4: S2S clicks with
    redirect=false; 1: the app's click callback is requested with GET."""
    install = {name: value for name, value in ios_event(live_app).items() if name != "event_name"}
    install_id = post(api, "installs/", install)
    click_id = post(
        api,
        "clicks/",
        {"app": live_app.pk, "idfa": IDFA, "click_id": "c-42", "transaction_id": "t-42"},
    )

    delivered(install_id)
    delivered(click_id)

    assert json.loads(partner_sandbox.requests("/track/json")[0]["body"])["action"] == "install"
    assert partner_sandbox.requests("/event") == []
    [click] = partner_sandbox.requests(f"/{live_app.appsflyer_config.appsflyer_app_id}")
    assert (click["method"], click["params"]["redirect"]) == ("GET", "false")
    assert click["params"]["idfa"] == IDFA
    [callback] = partner_sandbox.requests("/receiver/click")
    assert callback["params"] == {"idfa": IDFA}
