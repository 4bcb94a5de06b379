"""The live partner sandbox: every adapter's request, sent through the one HTTP sender, is
accepted; wrong requests get the partner's own error; faults, the request log and the outbound
guard work against a real process on 127.0.0.1."""

import json
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.utils import timezone

from partners import http
from partners.adapters import ADAPTERS
from partners.adapters.base import OutgoingRequest, Verdict
from partners.errors import PermanentDeliveryError, TransientDeliveryError
from partners.models import HttpMethod
from tests.factories import (
    AdjustAuthTokenFactory,
    AdjustConfigFactory,
    AdjustEventTokenFactory,
    AndroidAppFactory,
    AppsFlyerConfigFactory,
    CallbackFactory,
    CallbackTemplateFactory,
    EventFactory,
    IosAppFactory,
    KochavaConfigFactory,
)
from tests.live import MANAGE, START_TIMEOUT, child_env, read_first_line
from tracking.models import Delivery, EventKind

pytestmark = pytest.mark.integration

GAID = "11110111-2345-6789-1122-000000005678"


def _deliver(destination: str, event):
    """Build, send and classify one delivery the way the delivery layer does."""
    adapter = ADAPTERS[destination]
    callback = event.app.click_callback if destination == "callback" else None
    config = adapter.config_for(Delivery(event=event, callback=callback))
    return adapter.classify(http.send(adapter.build(event, config)))


def _adjust_app(*, auth_active=False, http_method=HttpMethod.GET, token=True):
    config = AdjustConfigFactory(app=AndroidAppFactory(), http_method=http_method)
    AdjustEventTokenFactory(config=config, event_name="purchase", event_token="xyzklm")
    if token:
        AdjustAuthTokenFactory(config=config)
    if auth_active:
        config.auth_active = True
        config.save()
    return config


def _adjust_event(config, **kwargs):
    fields = {"app": config.app, "device_ids": {"gps_adid": GAID}, "ip": "203.0.113.7"}
    return EventFactory(**{**fields, **kwargs})


# --- each adapter is accepted ----------------------------------------------------------------


@pytest.mark.parametrize("method", [HttpMethod.GET, HttpMethod.POST])
def test_adjust_request_is_accepted_by_the_sandbox(partner_sandbox, method):
    """§ 3 Endpoint: GET with URL parameters or POST with a form body; Auth with a live token."""
    # Given an app with authentication active and a purchase with revenue and custom data
    config = _adjust_app(auth_active=True, http_method=method)
    event = _adjust_event(
        config,
        revenue=Decimal("149.99"),
        currency="USD",
        properties={"callback_params": {"order": "A-1"}},
    )

    # When it is delivered
    classification = _deliver("adjust", event)

    # Then Adjust's sandbox tracked it
    assert classification.verdict == Verdict.DELIVERED
    [received] = partner_sandbox.requests("/event")
    assert received["method"] == method
    assert received["headers"]["Authorization"] == "Bearer v8s5opi0zs45607l8h8c48wak2vxb5oe"


def test_kochava_install_and_event_are_accepted_by_the_sandbox(partner_sandbox):
    """§ 2: one POST of JSON per install, post-install actions with action: event."""
    config = KochavaConfigFactory(app=IosAppFactory())
    install = EventFactory(app=config.app, kind=EventKind.INSTALL, name="", att_status=3)
    purchase = EventFactory(app=config.app, revenue=Decimal("1.99"), currency="USD")

    verdicts = [_deliver("kochava", install).verdict, _deliver("kochava", purchase).verdict]

    assert verdicts == [Verdict.DELIVERED, Verdict.DELIVERED]
    actions = [json.loads(r["body"])["action"] for r in partner_sandbox.requests("/track/json")]
    assert actions == ["install", "event"]


@pytest.mark.parametrize("app_factory", [IosAppFactory, AndroidAppFactory])
def test_appsflyer_event_is_accepted_by_the_sandbox(partner_sandbox, app_factory):
    """§ 5: POST JSON with the authentication header; 200 ok."""
    config = AppsFlyerConfigFactory(app=app_factory())
    event = EventFactory(app=config.app, revenue=Decimal("-2.5"), currency="USD")

    classification = _deliver("appsflyer_event", event)

    assert classification.verdict == Verdict.DELIVERED
    assert len(partner_sandbox.requests(f"/inappevent/{config.appsflyer_app_id}")) == 1


def test_appsflyer_click_is_accepted_by_the_sandbox(partner_sandbox):
    """§ 4: the click link with redirect=false and pid."""
    config = AppsFlyerConfigFactory(app=AndroidAppFactory())
    event = EventFactory(
        app=config.app, kind=EventKind.CLICK, name="", device_ids={"gps_adid": GAID}
    )

    classification = _deliver("appsflyer_click", event)

    assert classification.verdict == Verdict.DELIVERED
    [received] = partner_sandbox.requests(f"/{config.appsflyer_app_id}")
    assert received["params"]["redirect"] == "false"
    assert received["params"]["advertising_id"] == GAID


def test_callback_is_accepted_by_the_sandbox(partner_sandbox):
    """§ 1 Firing: the rendered callback requested with GET."""
    template = CallbackTemplateFactory(
        url_template=partner_sandbox.url + "/callbacks/{tracker_token}?idfa={idfa}&ip={ip}"
    )
    app = IosAppFactory(click_callback=CallbackFactory(template=template))
    event = EventFactory(app=app, kind=EventKind.CLICK, name="")

    classification = _deliver("callback", event)

    assert classification.verdict == Verdict.DELIVERED
    [received] = partner_sandbox.requests("/callbacks/abc123")
    assert received["params"] == {
        "idfa": "11110111-2345-6789-1122-000000005678",
        "ip": "203.0.113.7",
    }


# --- the sandbox answers wrong requests like the partners ----------------------------------------


def _adjust_get(sandbox, headers=None, **params):
    query = {"s2s": "1", "app_token": "abc123kuvada7", "event_token": "xyzklm", "gps_adid": GAID}
    query.update(params)
    return requests.get(f"{sandbox.url}/event", params=query, headers=headers or {}, timeout=5)


def test_sandbox_rejects_an_unknown_adjust_event_token_with_adjusts_error(partner_sandbox):
    """§ 3 Responses: 400 Invalid event token, as {"error": "Event request failed (...)"}."""
    _adjust_app(token=False)

    response = _adjust_get(partner_sandbox, event_token="nope")

    assert response.status_code == 400
    assert response.json() == {"error": "Event request failed (Invalid event token)"}


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"s2s": "0"}, 400, "Bad event state"),
        ({"gps_adid": ""}, 404, "Device not found"),
        ({"revenue": "0.0001", "currency": "USD"}, 400, "Invalid revenue"),
        ({"revenue": "5"}, 400, "Invalid revenue"),
        ({"callback_params": '{"a": {"b": "c"}}'}, 400, "Invalid callback parameters"),
        ({"partner_params": '{"a": 1}'}, 400, "Invalid callback parameters"),
        ({"ip_address": "2001:db8::1"}, 400, "Bad event state"),
    ],
    ids=[
        "no-s2s",
        "no-device",
        "revenue-too-low",
        "revenue-no-currency",
        "nested-params",
        "non-string-params",
        "ipv6",
    ],
)
def test_sandbox_answers_a_wrong_adjust_request_with_adjusts_error(
    partner_sandbox, params, status, message
):
    """§ 3: s2s=1, device ids, revenue 0.001..1e11 with currency, flat string custom params,
    IPv4 only; failures as {"error": "Event request failed (...)"}."""
    _adjust_app(token=False)

    response = _adjust_get(partner_sandbox, **params)

    assert response.status_code == status
    assert response.json()["error"].startswith(f"Event request failed ({message}")


def test_sandbox_rejects_an_unknown_adjust_app_token(partner_sandbox):
    """§ 3 Responses: 404 App token not found."""
    response = _adjust_get(partner_sandbox, app_token="unknown1")

    assert (response.status_code, response.json()["error"]) == (
        404,
        "Event request failed (App token not found)",
    )


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Missing authentication token"),
        (
            {"Authorization": "Bearer wrong"},
            "Wrong authentication token",
        ),
    ],
)
def test_sandbox_inactive_auth_accepts_a_missing_or_wrong_token_with_202(
    partner_sandbox, headers, message
):
    """§ 3 Auth: while inactive, a missing or wrong token still gets a 202."""
    _adjust_app()

    response = _adjust_get(partner_sandbox, headers=headers)

    assert (response.status_code, response.text) == (202, message)


def test_sandbox_active_auth_rejects_a_wrong_token_with_401(partner_sandbox):
    """§ 3 Responses: 401 Failed to authorize request."""
    _adjust_app(auth_active=True)

    response = _adjust_get(partner_sandbox, headers={"Authorization": "Bearer wrong"})

    assert response.status_code == 401
    assert "Failed to authorize request" in response.json()["error"]


def test_sandbox_adjust_missing_token_is_delivered_with_a_warning(partner_sandbox):
    """§ 3 Responses: 202 missing/wrong token (auth inactive): delivered, but warn."""
    config = _adjust_app(token=False)

    classification = _deliver("adjust", _adjust_event(config))

    assert classification.verdict == Verdict.WARNING
    assert classification.message == "Missing authentication token"


def test_sandbox_rejects_an_adjust_event_sent_after_a_later_one(partner_sandbox):
    """§ 3 Ordering: an earlier one sent after a later one is rejected."""
    config = _adjust_app()
    now = timezone.now()
    later = _adjust_event(config, occurred_at=now)
    earlier = _adjust_event(config, occurred_at=now - timedelta(hours=1))

    first, second = _deliver("adjust", later), _deliver("adjust", earlier)

    assert first.verdict != Verdict.PERMANENT
    assert second.verdict == Verdict.PERMANENT
    assert second.message.startswith("Bad event state")


def test_sandbox_rejects_adjust_events_older_than_58_days(partner_sandbox):
    """§ 3 Ordering: events older than 58 days are rejected."""
    _adjust_app()
    old = int((timezone.now() - timedelta(days=59)).timestamp())

    response = _adjust_get(partner_sandbox, created_at_unix=str(old))

    assert response.status_code == 400
    assert "older than 58 days" in response.json()["error"]


def test_sandbox_rejects_adjust_requests_over_1_mb(partner_sandbox):
    """§ 3 Responses: 413 Request size too large (over 1 MB)."""
    body = b"s2s=1&callback_params=" + b"x" * (1024 * 1024 + 1)

    response = requests.post(
        f"{partner_sandbox.url}/event",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )

    assert response.status_code == 413


def test_sandbox_duplicate_unique_adjust_event_counts_as_delivered(partner_sandbox):
    """§ 3 Responses: 400 Ignoring event, earlier unique event tracked (a duplicate: delivered)."""
    config = _adjust_app()
    partner_sandbox.unique_event("xyzklm")
    _deliver("adjust", _adjust_event(config, occurred_at=timezone.now()))

    duplicate = _deliver("adjust", _adjust_event(config, occurred_at=timezone.now()))

    assert duplicate.verdict == Verdict.DELIVERED
    assert partner_sandbox.requests("/event")[-1]["status"] == 400


def test_sandbox_rejects_a_kochava_body_with_data_at_the_top_level(partner_sandbox):
    """§ 2 Body: only three keys at the top level; everything else inside data."""
    body = {"action": "install", "kochava_app_id": "ko1", "usertime": 1, "data": {}}

    response = requests.post(f"{partner_sandbox.url}/track/json", json=body, timeout=5)

    assert response.status_code == 400
    assert "usertime" in response.json()["error"]


def test_sandbox_rejects_an_appsflyer_event_without_appsflyer_id(partner_sandbox):
    """§ 5 Responses: 400 appsflyer_id is a mandatory field."""
    config = AppsFlyerConfigFactory()
    url = f"{partner_sandbox.url}/inappevent/{config.appsflyer_app_id}"

    response = requests.post(
        url, json={"eventName": "x"}, headers={"authentication": config.s2s_key}, timeout=5
    )

    assert (response.status_code, response.text) == (400, "appsflyer_id is a mandatory field")


def test_sandbox_answers_another_apps_appsflyer_key_with_app_id_mismatch(partner_sandbox):
    """§ 5 Responses: 400 app_id doesn't match the authentication token."""
    mine, other = AppsFlyerConfigFactory(), AppsFlyerConfigFactory(s2s_key="the-other-key")
    url = f"{partner_sandbox.url}/inappevent/{mine.appsflyer_app_id}"

    response = requests.post(
        url,
        json={"appsflyer_id": "1", "eventName": "x"},
        headers={"authentication": other.s2s_key},
        timeout=5,
    )

    assert (response.status_code, response.text) == (
        400,
        "app_id doesn't match the authentication token",
    )


def test_sandbox_answers_a_non_stringified_event_value_with_500(partner_sandbox):
    """§ 5 Responses: 500 is usually a non-stringified body."""
    config = AppsFlyerConfigFactory()
    body = {"appsflyer_id": "1", "eventName": "purchase", "eventValue": {"af_revenue": "1"}}

    response = requests.post(
        f"{partner_sandbox.url}/inappevent/{config.appsflyer_app_id}",
        json=body,
        headers={"authentication": config.s2s_key},
        timeout=5,
    )

    assert response.status_code == 500


def test_sandbox_click_without_redirect_false_is_an_ordinary_redirecting_link(partner_sandbox):
    """§ 4: redirect=false says the network itself redirects the user to the store."""
    response = requests.get(
        f"{partner_sandbox.url}/id123456789",
        params={"pid": "chartboosts2s_int"},
        allow_redirects=False,
        timeout=5,
    )

    assert response.status_code == 302


def test_sandbox_wrong_appsflyer_key_is_a_credentials_problem(partner_sandbox):
    """§ 5 Responses: 400 Failed to Authenticate is a credential problem: permanent, flagged."""
    config = AppsFlyerConfigFactory(s2s_key="the-key-appsflyer-knows")
    event = EventFactory(app=config.app)
    config.s2s_key = "a-mistyped-key"

    adapter = ADAPTERS["appsflyer_event"]
    classification = adapter.classify(http.send(adapter.build(event, config)))

    assert classification.verdict == Verdict.PERMANENT
    assert classification.credentials_problem
    assert classification.message == "Failed to Authenticate"


# --- faults, the log, the guard, shutdown ---------------------------------------------------------


def test_sandbox_fault_answers_the_next_requests_then_recovers(partner_sandbox):
    """§ 3 Responses: 5xx is worth retrying; the fault order answers the next N requests."""
    config = _adjust_app()
    partner_sandbox.fault("/event", status=500, count=1)

    first = _deliver("adjust", _adjust_event(config))
    second = _deliver("adjust", _adjust_event(config))

    assert (first.verdict, second.verdict) == (Verdict.TRANSIENT, Verdict.DELIVERED)


def test_sandbox_429_fault_carries_retry_after(partner_sandbox):
    """§ 2/§ 3/§ 5: 429 is transient; Retry-After is honoured."""
    config = KochavaConfigFactory()
    partner_sandbox.fault("/track/json", status=429, count=1, retry_after=7)

    classification = _deliver("kochava", EventFactory(app=config.app))

    assert classification.verdict == Verdict.TRANSIENT
    assert classification.retry_after == 7.0


def test_a_hanging_path_times_out_without_blocking_other_paths(partner_sandbox, settings):
    # Given a callback receiver told to hang longer than our read timeout
    settings.HTTP_READ_TIMEOUT = 0.5
    partner_sandbox.fault("/slow", hang_seconds=3, count=1)
    hanging = OutgoingRequest("GET", f"{partner_sandbox.url}/slow")

    # When it is called, and another path right after
    started = time.monotonic()
    with pytest.raises(TransientDeliveryError):
        http.send(hanging)
    other = http.send(OutgoingRequest("GET", f"{partner_sandbox.url}/fast"))

    # Then the sender gave up at its timeout and the other path answered at once
    assert time.monotonic() - started < 2.5
    assert other.status_code == 200


def test_sandbox_answers_keep_alive_requests_without_delayed_ack_stalls(partner_sandbox):
    """Workers reuse pooled connections: 100 requests on one connection take well under the
    ~4 s that 40 ms delayed-ACK stalls would cost."""
    session = requests.Session()

    started = time.monotonic()
    for _ in range(100):
        session.get(f"{partner_sandbox.url}/callbacks/keepalive", timeout=5).raise_for_status()

    assert time.monotonic() - started < 2.0


def test_request_log_filters_by_path_and_clears(partner_sandbox):
    http.send(OutgoingRequest("GET", f"{partner_sandbox.url}/a/1"))
    http.send(OutgoingRequest("POST", f"{partner_sandbox.url}/b/1", body=b"hello"))

    only_b = partner_sandbox.requests("/b")
    partner_sandbox.clear()

    assert [(r["method"], r["path"], r["body"]) for r in only_b] == [("POST", "/b/1", "hello")]
    assert partner_sandbox.requests() == []


def test_callback_to_127_0_0_1_is_refused_unless_allowed(partner_sandbox, settings):
    """Issue 4: a callback URL pointing at 127.0.0.1 is refused unless allowed."""
    request = OutgoingRequest("GET", f"{partner_sandbox.url}/callbacks/internal")

    settings.OUTBOUND_ALLOWED_HOSTS = []
    with pytest.raises(PermanentDeliveryError):
        http.send(request)
    refused_reached = partner_sandbox.requests("/callbacks/internal")

    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    allowed = http.send(request)

    assert refused_reached == []
    assert allowed.status_code == 200
    assert len(partner_sandbox.requests("/callbacks/internal")) == 1


def test_a_name_that_rebinds_to_127_0_0_1_after_the_check_is_refused(
    partner_sandbox, settings, monkeypatch
):
    """The guard checks the address actually connected to, not only the first DNS answer."""
    # Given a name whose first answer is public and every later one is 127.0.0.1
    settings.OUTBOUND_ALLOWED_HOSTS = []
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.215.14"])

    def rebinding_resolver(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_resolver)
    port = partner_sandbox.url.rsplit(":", 1)[1]

    # When a callback to it is sent
    with pytest.raises(PermanentDeliveryError):
        http.send(OutgoingRequest("GET", f"http://rebind.test:{port}/callbacks/rebound"))

    # Then no HTTP request reached the internal service
    assert partner_sandbox.requests("/callbacks/rebound") == []


@contextmanager
def sandbox_process():
    """A sandbox of the test's own (not the shared fixture's), since the test stops it."""
    process = subprocess.Popen(
        [sys.executable, str(MANAGE), "partner_sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        env=child_env(),
        text=True,
    )
    try:
        assert "listening on http://127.0.0.1:" in read_first_line(process, START_TIMEOUT)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sandbox_stops_cleanly_on_sigterm(django_db_setup):
    with sandbox_process() as process:
        process.send_signal(signal.SIGTERM)

        assert process.wait(timeout=10) == 0


def test_sandbox_stops_when_terms_arrive_in_a_burst(django_db_setup):
    """Ctrl-C of `make run` can deliver several signals at once; the sandbox must still stop."""
    with sandbox_process() as process:
        for _ in range(50):
            process.send_signal(signal.SIGTERM)

        assert process.wait(timeout=10) == 0
