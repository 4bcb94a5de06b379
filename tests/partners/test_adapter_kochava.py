"""Kochava installs and events: the JSON body and the reading of answers (partners.md § 2)."""

import json
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.utils import timezone

from partners.adapters import ADAPTERS
from partners.adapters.base import PartnerResponse, Verdict
from partners.errors import PermanentDeliveryError
from tests.factories import AndroidAppFactory, EventFactory, IosAppFactory, KochavaConfigFactory
from tracking.models import Delivery, EventKind

pytestmark = pytest.mark.django_db

kochava = ADAPTERS["kochava"]
IDFA = "8D2E2CF6-0E44-4C2B-9E73-2C9F5C0D1A11"
IDFV = "4B9F9A2C-7E36-45C1-8E6B-0DC0BE9A2B3F"
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)"


@pytest.fixture(autouse=True)
def kochava_url(settings):
    settings.KOCHAVA_S2S_URL = "https://control.kochava.com/track/json"


def _body(request) -> dict:
    return json.loads(request.body)


def test_kochava_golden_ios_install():
    """§ 2 Body: only action, kochava_app_id, kochava_device_id at the top; usertime,
    app_version, device_ids (both IDFA and IDFV on iOS), origination_ip, device_ua URL-encoded,
    app_tracking_transparency for iOS 14+, ad_services_token inside data."""
    # Given an iOS 17 install that authorised tracking
    config = KochavaConfigFactory(app=IosAppFactory())
    occurred = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    asked = occurred - timedelta(seconds=40)
    event = EventFactory.build(
        app=config.app,
        kind=EventKind.INSTALL,
        name="",
        occurred_at=occurred,
        device_ids={"idfa": IDFA, "idfv": IDFV, "kochava_device_id": "KD-1"},
        ip="203.0.113.7",
        user_agent=UA,
        app_version="2.1.0",
        att_status=3,
        att_time=asked,
        att_duration_seconds=4,
        ad_services_token="asa-token",
    )

    # When the request is built
    request = kochava.build(event, kochava.config_for(Delivery(event=event)))

    # Then it is one JSON POST in Kochava's shape
    assert request.method == "POST"
    assert request.full_url == "https://control.kochava.com/track/json"
    assert dict(request.headers) == {"Content-Type": "application/json"}
    assert _body(request) == {
        "action": "install",
        "kochava_app_id": "kogamerdna114e9bb3481258",
        "kochava_device_id": "KD-1",
        "data": {
            "usertime": int(occurred.timestamp()),
            "app_version": "2.1.0",
            "device_ids": {"idfa": IDFA, "idfv": IDFV},
            "origination_ip": "203.0.113.7",
            "device_ua": quote(UA, safe=""),
            "app_tracking_transparency": {
                "att": True,
                "att_time": int(asked.timestamp()),
                "att_duration": 4,
                "att_detail": 3,
            },
            "ad_services_token": "asa-token",
        },
    }


def test_kochava_golden_android_event():
    """§ 2: post-install actions use action: event, data.event_name, data.event_data (an
    object), optional data.currency; Android advertising id goes under adid."""
    # Given an Android purchase without user agent
    config = KochavaConfigFactory(app=AndroidAppFactory())
    occurred = timezone.now().replace(microsecond=0)
    event = EventFactory.build(
        app=config.app,
        name="purchase",
        occurred_at=occurred,
        device_ids={"gps_adid": "g-1", "android_id": "a-1"},
        ip=None,
        user_agent="",
        os_version="13",
        device_model="Pixel 7",
        revenue=Decimal("4.990000"),
        currency="USD",
        properties={"custom_data": {"sku": "gems_100"}, "callback_params": {"x": "y"}},
    )

    # When the request is built
    request = kochava.build(event, config)

    # Then the event rides in data, with device_ver instead of a user agent
    assert _body(request) == {
        "action": "event",
        "kochava_app_id": "kogamerdna114e9bb3481258",
        "kochava_device_id": None,
        "data": {
            "usertime": int(occurred.timestamp()),
            "device_ids": {"adid": "g-1", "android_id": "a-1"},
            "device_ver": "Pixel 7-Android-13",
            "event_name": "purchase",
            "event_data": {"sku": "gems_100", "revenue": 4.99},
            "currency": "USD",
        },
    }


def test_kochava_sends_device_ver_when_there_is_no_user_agent():
    """§ 2: if no device_ua, send device_ver as <device>-<os_name>-<os_version>, e.g.
    iPhone-iOS-14.5."""
    config = KochavaConfigFactory()
    event = EventFactory.build(app=config.app, user_agent="", device_model="", os_version="14.5")

    data = _body(kochava.build(event, config))["data"]

    assert data["device_ver"] == "iPhone-iOS-14.5"
    assert "device_ua" not in data


def test_kochava_leaves_att_out_below_ios_14():
    """§ 2: iOS 14+ installs and events must carry app_tracking_transparency."""
    config = KochavaConfigFactory()
    event = EventFactory.build(app=config.app, os_version="13.7", att_status=3)

    data = _body(kochava.build(event, config))["data"]

    assert "app_tracking_transparency" not in data


def test_kochava_att_is_true_only_for_authorized_status():
    """§ 2: Kochava's boolean is status == 3."""
    config = KochavaConfigFactory()
    event = EventFactory.build(app=config.app, os_version="17.1", att_status=2)

    answer = _body(kochava.build(event, config))["data"]["app_tracking_transparency"]

    assert answer == {"att": False, "att_detail": 2}


def test_kochava_refuses_a_record_without_any_device_id():
    """§ 2 device_ids: at least one of idfa, idfv, adid, android_id, custom."""
    config = KochavaConfigFactory()
    event = EventFactory.build(app=config.app, device_ids={"appsflyer_id": "1"})

    with pytest.raises(PermanentDeliveryError) as caught:
        kochava.build(event, config)

    assert "at least one" in caught.value.rule


def test_kochava_refuses_clicks():
    """§ 2: one POST per install; post-install actions as events (clicks are not Kochava's)."""
    config = KochavaConfigFactory()
    event = EventFactory.build(app=config.app, kind=EventKind.CLICK)

    with pytest.raises(PermanentDeliveryError):
        kochava.build(event, config)


@pytest.mark.parametrize(
    ("status", "body", "verdict"),
    [
        (200, "", Verdict.DELIVERED),
        (200, "<html>not json</html>", Verdict.DELIVERED),
        (204, "", Verdict.DELIVERED),
        (400, '{"error": "bad"}', Verdict.PERMANENT),
        (404, "Not Found", Verdict.PERMANENT),
        (429, "slow down", Verdict.TRANSIENT),
        (500, "oops", Verdict.TRANSIENT),
        (503, "", Verdict.TRANSIENT),
    ],
)
def test_kochava_status_class_is_classified(status, body, verdict):
    """§ 2 Response: any 2xx accepted without parsing the body; 5xx and 429 transient, other
    4xx permanent."""
    classification = kochava.classify(PartnerResponse(status, body))

    assert classification.verdict == verdict


def test_kochava_permanent_failure_keeps_kochavas_message():
    """§ 2 Response: other 4xx permanent (with the partner's message for the user)."""
    classification = kochava.classify(PartnerResponse(400, "invalid kochava_app_id"))

    assert classification.message == "invalid kochava_app_id"
