"""AppsFlyer S2S in-app events: the JSON body and the reading of answers (partners.md § 5)."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from partners.adapters import ADAPTERS
from partners.adapters.base import PartnerResponse, Verdict
from partners.errors import PermanentDeliveryError
from tests.factories import AndroidAppFactory, AppsFlyerConfigFactory, EventFactory, IosAppFactory
from tracking.models import Delivery, EventKind

pytestmark = pytest.mark.django_db

appsflyer = ADAPTERS["appsflyer_event"]
IDFA = "8D2E2CF6-0E44-4C2B-9E73-2C9F5C0D1A11"
AF_ID = "1415211453000-6513894"
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)"
OCCURRED = datetime(2026, 11, 20, 12, 17, 1, 123456, tzinfo=UTC)


@pytest.fixture(autouse=True)
def appsflyer_url(settings):
    settings.APPSFLYER_S2S_EVENTS_URL = "https://api3.appsflyer.com/inappevent/{app_id}"


def _body(request) -> dict:
    return json.loads(request.body)


def _refusal(event, config) -> PermanentDeliveryError:
    with pytest.raises(PermanentDeliveryError) as caught:
        appsflyer.build(event, config)
    return caught.value


def test_appsflyer_golden_ios_event():
    """§ 5: POST JSON with header authentication: <S2S key>; appsflyer_id, eventName, eventValue
    stringified, eventTime UTC yyyy-MM-dd HH:mm:ss.SSS, eventCurrency, af_revenue, bundleIdentifier
    always, os for iOS, att integer, ip, ua, idfa/idfv, customer_user_id, app_version_name."""
    # Given an iOS app with its AppsFlyer key and a purchase
    app = IosAppFactory(store_id="123456789", bundle_id="com.example.spacegame")
    AppsFlyerConfigFactory(app=app)
    event = EventFactory.build(
        app=app,
        occurred_at=OCCURRED,
        device_ids={"appsflyer_id": AF_ID, "idfa": IDFA, "customer_user_id": "u-42"},
        user_agent=UA,
        app_version="2.1.0",
        att_status=3,
        revenue=Decimal("6.000000"),
        currency="USD",
        properties={"custom_data": {"af_content_type": "wallets"}},
    )

    # When the request is built
    request = appsflyer.build(event, appsflyer.config_for(Delivery(event=event)))

    # Then it is the API's request, with the key marked secret
    assert request.method == "POST"
    assert request.full_url == "https://api3.appsflyer.com/inappevent/id123456789"
    assert request.headers == (
        ("authentication", "af-s2s-key-0123456789"),
        ("Content-Type", "application/json"),
    )
    assert request.secrets == ("af-s2s-key-0123456789",)
    assert _body(request) == {
        "appsflyer_id": AF_ID,
        "eventName": "purchase",
        "eventValue": '{"af_content_type":"wallets","af_revenue":"6"}',
        "eventTime": "2026-11-20 12:17:01.123",
        "eventCurrency": "USD",
        "bundleIdentifier": "com.example.spacegame",
        "os": "17.1",
        "att": 3,
        "idfa": IDFA,
        "ip": "203.0.113.7",
        "ua": UA,
        "customer_user_id": "u-42",
        "app_version_name": "2.1.0",
    }


def test_appsflyer_golden_android_event():
    """§ 5: advertising_id/oaid/amazon_aid on Android; no os; eventValue "" when none."""
    # Given an Android app and an event without custom data
    app = AndroidAppFactory(bundle_id="com.example.runner")
    config = AppsFlyerConfigFactory(app=app)
    event = EventFactory.build(
        app=app,
        name="level_up",
        occurred_at=OCCURRED,
        device_ids={"appsflyer_id": AF_ID, "gps_adid": "g-1", "oaid": "o-1", "fire_adid": "f-1"},
        ip=None,
        user_agent="",
    )

    # When the request is built
    request = appsflyer.build(event, config)

    # Then the Android ids carry AppsFlyer's names
    assert request.full_url == "https://api3.appsflyer.com/inappevent/com.example.runner"
    assert _body(request) == {
        "appsflyer_id": AF_ID,
        "eventName": "level_up",
        "eventValue": "",
        "eventTime": "2026-11-20 12:17:01.123",
        "bundleIdentifier": "com.example.runner",
        "advertising_id": "g-1",
        "oaid": "o-1",
        "amazon_aid": "f-1",
    }


def test_appsflyer_event_value_is_a_string_never_an_object():
    """§ 5 Body: eventValue (a *stringified* JSON object: a nested object is a 400 or lost
    revenue)."""
    config = AppsFlyerConfigFactory()
    event = EventFactory.build(
        app=config.app, properties={"custom_data": {"level": 7, "tags": ["a"]}}
    )

    value = _body(appsflyer.build(event, config))["eventValue"]

    assert json.loads(value) == {"level": 7, "tags": ["a"]}


def test_appsflyer_allows_negative_revenue():
    """§ 5: af_revenue may be negative (refunds)."""
    config = AppsFlyerConfigFactory()
    event = EventFactory.build(app=config.app, revenue=Decimal("-4.99"), currency="USD")

    value = json.loads(_body(appsflyer.build(event, config))["eventValue"])

    assert value["af_revenue"] == "-4.99"


def test_appsflyer_refuses_an_event_without_appsflyer_id():
    """§ 5 Body: mandatory appsflyer_id."""
    config = AppsFlyerConfigFactory()
    event = EventFactory.build(app=config.app, device_ids={"idfa": IDFA})

    error = _refusal(event, config)

    assert "appsflyer_id" in error.rule


def test_appsflyer_refuses_an_ios_app_id_without_the_id_prefix():
    """§ 5 {app_id}: an iOS id without the `id` prefix gets 200 OK and the event is silently
    dropped: refuse it."""
    config = AppsFlyerConfigFactory(appsflyer_app_id="123456789")
    event = EventFactory.build(app=config.app)

    error = _refusal(event, config)

    assert "'id' prefix" in error.message


def test_appsflyer_refuses_an_ios_event_without_os_version():
    """§ 5: os (the OS version) mandatory for iOS: without it AppsFlyer assumes 14.5."""
    config = AppsFlyerConfigFactory()
    event = EventFactory.build(app=config.app, os_version="")

    error = _refusal(event, config)

    assert "os" in error.rule


def test_appsflyer_refuses_a_body_over_1_kb():
    """§ 5: one event per request, body at most 1 KB."""
    config = AppsFlyerConfigFactory()
    event = EventFactory.build(app=config.app, properties={"custom_data": {"blob": "x" * 1100}})

    error = _refusal(event, config)

    assert "1 KB" in error.message


def test_appsflyer_refuses_installs():
    """§ 5: S2S in-app events (installs are the SDK's)."""
    config = AppsFlyerConfigFactory()

    _refusal(EventFactory.build(app=config.app, kind=EventKind.INSTALL), config)


def test_appsflyer_refuses_while_the_config_is_flagged_for_credentials():
    """§ 5 Responses: credential problems are permanent, and the config is flagged until fixed."""
    config = AppsFlyerConfigFactory(credentials_error="Failed to Authenticate")

    error = _refusal(EventFactory.build(app=config.app), config)

    assert "Failed to Authenticate" in error.message


@pytest.mark.parametrize(
    ("status", "body", "verdict", "credentials_problem"),
    [
        (200, "ok", Verdict.DELIVERED, False),
        (200, "OK", Verdict.DELIVERED, False),
        (400, "Failed to Authenticate", Verdict.PERMANENT, True),
        (400, "app_id doesn't match the authentication token", Verdict.PERMANENT, True),
        (401, "Unauthorized", Verdict.PERMANENT, True),
        (400, "appsflyer_id is a mandatory field", Verdict.PERMANENT, False),
        (400, "Payload is missing or failed to parse", Verdict.PERMANENT, False),
        (403, "Forbidden", Verdict.PERMANENT, False),
        (429, "", Verdict.TRANSIENT, False),
        (500, "Internal Server Error", Verdict.TRANSIENT, False),
        (502, "Bad Gateway", Verdict.TRANSIENT, False),
    ],
)
def test_appsflyer_status_class_is_classified(status, body, verdict, credentials_problem):
    """§ 5 Responses: 200 OK; 400 Failed to Authenticate / app_id doesn't match and 401 are
    credential problems (permanent, config flagged); other 400s and 403 permanent; 5xx and 429
    retry."""
    classification = appsflyer.classify(PartnerResponse(status, body))

    assert classification.verdict == verdict
    assert classification.credentials_problem is credentials_problem
    assert classification.message == (body or "HTTP 429")
