"""Adjust S2S events: the wire request and the reading of Adjust's answers (partners.md § 3)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from partners.adapters import ADAPTERS
from partners.adapters.base import PartnerResponse, Verdict
from partners.errors import PermanentDeliveryError
from partners.models import Environment, HttpMethod
from tests.factories import (
    AdjustAuthTokenFactory,
    AdjustConfigFactory,
    AdjustEventTokenFactory,
    AndroidAppFactory,
    EventFactory,
    IosAppFactory,
)
from tracking.models import Delivery, EventKind

pytestmark = pytest.mark.django_db

adjust = ADAPTERS["adjust"]
GAID = "11110111-2345-6789-1122-000000005678"
IDFA = "8D2E2CF6-0E44-4C2B-9E73-2C9F5C0D1A11"
IDFV = "4B9F9A2C-7E36-45C1-8E6B-0DC0BE9A2B3F"
TOKEN = "v8s5opi0zs45607l8h8c48wak2vxb5oe"


@pytest.fixture(autouse=True)
def adjust_url(settings):
    settings.ADJUST_S2S_URL = "https://s2s.adjust.com/event"


def _config(app=None, **kwargs):
    config = AdjustConfigFactory(app=app or AndroidAppFactory(), **kwargs)
    AdjustEventTokenFactory(config=config, event_name="purchase", event_token="xyzklm")
    return config


def _event(config, **kwargs):
    fields = {"app": config.app, "name": "purchase", "ip": None, "device_ids": {"gps_adid": GAID}}
    fields.update(kwargs)
    return EventFactory.build(**fields)


def _params(request):
    return dict(request.params)


# --- golden requests -------------------------------------------------------------------------


def test_adjust_documentation_example_is_built_byte_for_byte():
    """§ 3 Always: s2s=1, app_token, event_token, device ids; Auth: `Authorization: Bearer`.
    The record carries no time ("Without a valid time Adjust uses arrival time")."""
    # Given the doc's app token, event token, auth token and an Android device's GAID
    config = _config()
    AdjustAuthTokenFactory(config=config, secret=TOKEN)
    event = _event(config, occurred_at=None)

    # When the request is built
    request = adjust.build(event, adjust.config_for(Delivery(event=event)))

    # Then it is the documentation's request, byte for byte
    assert request.method == "GET"
    assert request.full_url == (
        "https://s2s.adjust.com/event?s2s=1&app_token=abc123kuvada7&event_token=xyzklm"
        "&gps_adid=11110111-2345-6789-1122-000000005678"
    )
    assert request.headers == (("Authorization", "Bearer v8s5opi0zs45607l8h8c48wak2vxb5oe"),)
    assert request.body == b""


def test_adjust_golden_ios_request_with_time_ip_revenue_and_custom_params():
    """§ 3: iOS ids idfa/idfv, adid whenever known, ip_address, created_at_unix, revenue with
    currency, environment, callback_params/partner_params as serialised JSON."""
    # Given an iOS app in Adjust's sandbox environment and a full purchase record
    config = _config(app=IosAppFactory(), environment=Environment.SANDBOX)
    occurred = timezone.now().replace(microsecond=0) - timedelta(days=1)
    event = _event(
        config,
        device_ids={"idfa": IDFA, "idfv": IDFV, "adid": "d1b0a2c3", "appsflyer_id": "x"},
        ip="203.0.113.7",
        occurred_at=occurred,
        revenue=Decimal("149.990000"),
        currency="EUR",
        properties={"callback_params": {"order": "A-1"}, "partner_params": {"tier": "gold"}},
    )

    # When the request is built
    request = adjust.build(event, config)

    # Then every parameter is there, in Adjust's names, URL-encoded
    assert request.full_url == (
        "https://s2s.adjust.com/event?s2s=1&app_token=abc123kuvada7&event_token=xyzklm"
        f"&idfa={IDFA}&idfv={IDFV}&adid=d1b0a2c3&created_at_unix={int(occurred.timestamp())}"
        "&ip_address=203.0.113.7&revenue=149.99&currency=EUR"
        "&callback_params=%7B%22order%22%3A%22A-1%22%7D"
        "&partner_params=%7B%22tier%22%3A%22gold%22%7D&environment=sandbox"
    )
    assert request.headers == ()


def test_adjust_golden_android_request_names_each_android_id():
    """§ 3: preferred gps_adid, fire_adid, oaid; backup android_id."""
    # Given an Android device known by all its ids
    config = _config()
    ids = {"gps_adid": GAID, "fire_adid": "f1", "oaid": "o1", "android_id": "a1", "idfa": "no"}
    event = _event(config, device_ids=ids, occurred_at=None)

    # When the request is built
    request = adjust.build(event, config)

    # Then each id goes under Adjust's name for it, and no iOS id is sent
    assert request.params[3:] == (
        ("gps_adid", GAID),
        ("fire_adid", "f1"),
        ("oaid", "o1"),
        ("android_id", "a1"),
    )


def test_adjust_post_method_sends_a_form_body_never_json():
    """§ 3 Endpoint: POST with an application/x-www-form-urlencoded body; never a JSON body."""
    # Given an app configured for POST
    config = _config(http_method=HttpMethod.POST)
    event = _event(config, occurred_at=None)

    # When the request is built
    request = adjust.build(event, config)

    # Then the parameters travel as a form body and the URL has none
    assert request.method == "POST"
    assert request.full_url == "https://s2s.adjust.com/event"
    assert ("Content-Type", "application/x-www-form-urlencoded") in request.headers
    assert request.body == (
        b"s2s=1&app_token=abc123kuvada7&event_token=xyzklm&gps_adid=" + GAID.encode()
    )


# --- rules that shape the request --------------------------------------------------------------


def test_adjust_drops_ipv6_address():
    """§ 3 Recommended: ip_address (IPv4 only: an IPv6 address is left out, never sent)."""
    config = _config()
    event = _event(config, ip="2001:db8::7")

    request = adjust.build(event, config)

    assert "ip_address" not in _params(request)


def test_adjust_sends_created_at_unix_in_seconds():
    """§ 3 Recommended: created_at_unix (seconds or milliseconds)."""
    config = _config()
    occurred = timezone.now() - timedelta(hours=3)
    event = _event(config, occurred_at=occurred)

    request = adjust.build(event, config)

    assert _params(request)["created_at_unix"] == str(int(occurred.timestamp()))


def test_adjust_sends_the_newest_live_auth_token():
    """§ 3 Auth: several tokens may be live at once (rotation); a deleted one is never used."""
    # Given an old token, a newer one, and a newest one that was deleted
    config = _config()
    AdjustAuthTokenFactory(config=config, secret="a" * 32)
    AdjustAuthTokenFactory(config=config, secret="b" * 32)
    AdjustAuthTokenFactory(config=config, secret="c" * 32, deleted_at=timezone.now())

    # When the request is built
    request = adjust.build(_event(config), adjust.config_for(Delivery(event=_event(config))))

    # Then the newest live token authenticates it and is marked secret
    assert dict(request.headers)["Authorization"] == "Bearer " + "b" * 32
    assert request.secrets == ("b" * 32,)


def test_adjust_production_environment_is_left_to_adjusts_default():
    """§ 3 Revenue: environment is sandbox or production (default production)."""
    config = _config(environment=Environment.PRODUCTION)

    request = adjust.build(_event(config), config)

    assert "environment" not in _params(request)


# --- records Adjust must not receive ------------------------------------------------------------


def _refusal(event, config) -> PermanentDeliveryError:
    with pytest.raises(PermanentDeliveryError) as caught:
        adjust.build(event, config)
    return caught.value


def test_adjust_refuses_installs():
    """§ 3 Not accepted S2S: installs, reattributions and sessions."""
    config = _config()

    error = _refusal(_event(config, kind=EventKind.INSTALL), config)

    assert "installs" in error.rule


def test_adjust_refuses_an_event_missing_from_the_event_map():
    """§ 3 Always: event_token (the app's event map turns our event name into Adjust's token)."""
    config = _config()

    error = _refusal(_event(config, name="level_up"), config)

    assert "event map" in error.message


def test_adjust_refuses_an_event_older_than_58_days():
    """§ 3 Ordering: events older than 58 days are rejected: do not send them; mark them failed."""
    config = _config()

    error = _refusal(_event(config, occurred_at=timezone.now() - timedelta(days=59)), config)

    assert "58 days" in error.message


def test_adjust_refuses_a_record_without_device_id():
    """§ 3 Always: device ids."""
    config = _config()

    error = _refusal(_event(config, device_ids={"appsflyer_id": "1"}), config)

    assert "device id" in error.message


@pytest.mark.parametrize("revenue", [Decimal("0.0009"), Decimal("-1"), Decimal("100000000001")])
def test_adjust_refuses_revenue_out_of_range(revenue):
    """§ 3 Revenue: min 0.001, max 100,000,000,000."""
    config = _config()

    error = _refusal(_event(config, revenue=revenue, currency="USD"), config)

    assert "0.001" in error.message


def test_adjust_accepts_revenue_at_both_limits():
    """§ 3 Revenue: min 0.001, max 100,000,000,000."""
    config = _config()

    low = adjust.build(_event(config, revenue=Decimal("0.001"), currency="USD"), config)
    high = adjust.build(_event(config, revenue=Decimal("100000000000"), currency="USD"), config)

    assert _params(low)["revenue"] == "0.001"
    assert _params(high)["revenue"] == "100000000000"


def test_adjust_refuses_revenue_without_currency():
    """§ 3 Revenue: `revenue` ... with `currency` (ISO 4217)."""
    config = _config()

    error = _refusal(_event(config, revenue=Decimal("1.5"), currency=""), config)

    assert "currency" in error.message


@pytest.mark.parametrize(
    "params",
    [{"nested": {"a": "b"}}, {"count": 3}, ["a"], "text"],
    ids=["nested", "non-string", "list", "string"],
)
@pytest.mark.parametrize("name", ["callback_params", "partner_params"])
def test_adjust_refuses_custom_params_that_are_not_flat_strings(name, params):
    """§ 3 Custom data: each a flat JSON object of string values; nested or non-string refused."""
    config = _config()

    error = _refusal(_event(config, properties={name: params}), config)

    assert name in error.message


# --- Adjust's answers ----------------------------------------------------------------------------


def _failed(message: str) -> str:
    return '{"error": "Event request failed (' + message + ')"}'


@pytest.mark.parametrize(
    ("status", "body", "verdict", "message"),
    [
        (200, "OK", Verdict.DELIVERED, "OK"),
        (202, "Missing authentication token", Verdict.WARNING, "Missing authentication token"),
        (202, "Wrong authentication token", Verdict.WARNING, "Wrong authentication token"),
        (400, _failed("Bad event state"), Verdict.PERMANENT, "Bad event state"),
        (400, _failed("Invalid app token"), Verdict.PERMANENT, "Invalid app token"),
        (
            400,
            _failed("Ignoring event, earlier unique event tracked"),
            Verdict.DELIVERED,
            "Ignoring event, earlier unique event tracked",
        ),
        (
            400,
            _failed("Invalid callback parameters"),
            Verdict.PERMANENT,
            "Invalid callback parameters",
        ),
        (400, _failed("Invalid event token"), Verdict.PERMANENT, "Invalid event token"),
        (400, _failed("Invalid revenue"), Verdict.PERMANENT, "Invalid revenue"),
        (401, _failed("Failed to authorize request"), Verdict.PERMANENT, "Failed to authorize"),
        (403, _failed("App is inactive"), Verdict.PERMANENT, "App is inactive"),
        (403, _failed("Tracking disabled"), Verdict.PERMANENT, "Tracking disabled"),
        (403, _failed("Event token blacklisted"), Verdict.PERMANENT, "Event token blacklisted"),
        (404, _failed("App token not found"), Verdict.PERMANENT, "App token not found"),
        (404, _failed("Device not found"), Verdict.PERMANENT, "Device not found"),
        (413, _failed("Request size too large"), Verdict.PERMANENT, "Request size too large"),
        (451, _failed("Device is opted out"), Verdict.PERMANENT, "Device is opted out"),
        (
            500,
            _failed("Internal error, contact support@adjust.com"),
            Verdict.TRANSIENT,
            "Internal error, contact support@adjust.com",
        ),
    ],
)
def test_adjust_error_table_row_is_classified(status, body, verdict, message):
    """§ 3 Responses: every row of Adjust's table; 400 'earlier unique event tracked' is a
    duplicate (delivered), 202 delivered with a warning, only 5xx/429 retried, the 4xx permanent
    with their message shown; failures come as {"error": "Event request failed (...)"}."""
    # When Adjust answers with this row of its table
    classification = adjust.classify(PartnerResponse(status, body))

    # Then the verdict follows the spec and the message is Adjust's own, unwrapped
    assert classification.verdict == verdict
    assert classification.message.startswith(message)


def test_adjust_200_with_more_than_ok_is_still_delivered():
    """§ 3 Responses: 200 OK (the body may carry more than "OK": do not compare it as a string)."""
    body = '{"status": "OK", "conversion_value": 12}'

    classification = adjust.classify(PartnerResponse(200, body))

    assert classification.verdict == Verdict.DELIVERED


def test_adjust_429_is_transient_and_honours_retry_after_seconds():
    """§ 3 Responses: only 5xx, 429 and network errors are worth retrying."""
    response = PartnerResponse(429, "Too Many Requests", {"Retry-After": "30"})

    classification = adjust.classify(response)

    assert classification.verdict == Verdict.TRANSIENT
    assert classification.retry_after == 30.0


def test_adjust_503_honours_retry_after_as_an_http_date():
    """§ 3 Responses: only 5xx, 429 and network errors are worth retrying."""
    response = PartnerResponse(503, "", {"retry-after": "Wed, 21 Oct 2099 07:28:00 GMT"})

    classification = adjust.classify(response)

    assert classification.verdict == Verdict.TRANSIENT
    assert classification.retry_after > 365 * 24 * 3600
