"""The one HTTP sender: timeouts, no redirects, capped reads, the outbound guard, redaction.

HTTP is faked at the transport with `responses`; hosts are IP literals, names from /etc/hosts or
listed in OUTBOUND_ALLOWED_HOSTS, so no test resolves a name over the network.
"""

import logging
from pathlib import Path

import pytest
import requests
import responses

from partners import http
from partners.adapters.base import OutgoingRequest
from partners.errors import PermanentDeliveryError, TransientDeliveryError

PUBLIC = "http://93.184.215.14/postback"
SECRET = "v8s5opi0zs45607l8h8c48wak2vxb5oe"


@pytest.fixture(autouse=True)
def http_settings(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    settings.HTTP_CONNECT_TIMEOUT = 1.5
    settings.HTTP_READ_TIMEOUT = 4.0
    settings.HTTP_MAX_RESPONSE_BYTES = 64 * 1024


@pytest.fixture
def transport():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_send_returns_status_body_and_headers(transport):
    transport.get(PUBLIC, body="OK", headers={"Retry-After": "5"})

    response = http.send(OutgoingRequest("GET", PUBLIC))

    assert (response.status_code, response.body) == (200, "OK")
    assert response.header("retry-after") == "5"


def test_send_passes_params_headers_and_body(transport):
    transport.post(PUBLIC, body="ok")
    request = OutgoingRequest(
        "POST", PUBLIC, params=(("a", "x y"),), headers=(("X-Key", "k"),), body=b"form=1"
    )

    http.send(request)

    sent = transport.calls[0].request
    assert sent.url == PUBLIC + "?a=x%20y"
    assert sent.headers["X-Key"] == "k"
    assert sent.body == b"form=1"


def test_send_uses_the_timeouts_from_settings(transport):
    transport.get(PUBLIC, body="ok")

    http.send(OutgoingRequest("GET", PUBLIC))

    assert transport.calls[0].request.req_kwargs["timeout"] == (1.5, 4.0)


def test_send_never_follows_a_redirect(transport):
    transport.get(PUBLIC, status=302, headers={"Location": "http://93.184.215.14/elsewhere"})

    response = http.send(OutgoingRequest("GET", PUBLIC))

    assert response.status_code == 302
    assert len(transport.calls) == 1


def test_send_reads_at_most_the_configured_body_size(transport, settings):
    settings.HTTP_MAX_RESPONSE_BYTES = 10
    transport.get(PUBLIC, body="x" * 10_000)

    response = http.send(OutgoingRequest("GET", PUBLIC))

    assert response.body == "x" * 10


def test_a_timeout_is_a_transient_failure(transport):
    transport.get(PUBLIC, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(TransientDeliveryError):
        http.send(OutgoingRequest("GET", PUBLIC))


def test_a_connection_error_is_a_transient_failure(transport):
    transport.get(PUBLIC, body=requests.ConnectionError("connection refused"))

    with pytest.raises(TransientDeliveryError):
        http.send(OutgoingRequest("GET", PUBLIC))


# --- the outbound guard --------------------------------------------------------------------------


def test_guard_refuses_a_private_address_before_any_connection(transport):
    """A marketer's callback URL must not reach internal services: 10.0.0.1 is refused before
    the transport is called, so no packet leaves."""
    with pytest.raises(PermanentDeliveryError) as caught:
        http.send(OutgoingRequest("GET", "http://10.0.0.1/admin"))

    assert caught.value.rule == http.GUARD_RULE
    assert len(transport.calls) == 0


def test_guard_lets_a_private_address_through_when_its_host_is_allowed(transport, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["10.0.0.1"]
    transport.get("http://10.0.0.1/cb", body="ok")

    response = http.send(OutgoingRequest("GET", "http://10.0.0.1/cb"))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/healthz",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://192.168.1.1/",
        "http://0.0.0.0/",
        "http://240.0.0.1/",
    ],
    ids=[
        "loopback",
        "name-resolving-to-loopback",
        "link-local",
        "ipv6-loopback",
        "private",
        "unspecified",
        "reserved",
    ],
)
def test_guard_refuses_internal_destinations(transport, url):
    with pytest.raises(PermanentDeliveryError):
        http.send(OutgoingRequest("GET", url))

    assert len(transport.calls) == 0


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://93.184.215.14/x", "http:///x"])
def test_guard_refuses_urls_that_are_not_http_with_a_host(transport, url):
    with pytest.raises(PermanentDeliveryError):
        http.send(OutgoingRequest("GET", url))


# --- secrets -------------------------------------------------------------------------------------


def test_request_summary_redacts_secrets_everywhere():
    request = OutgoingRequest(
        "POST",
        PUBLIC,
        params=(("token", SECRET),),
        headers=(("Authorization", f"Bearer {SECRET}"),),
        body=f"key={SECRET}".encode(),
        secrets=(SECRET,),
    )

    summary = http.request_summary(request)

    assert SECRET not in str(summary)
    assert summary == {
        "method": "POST",
        "url": PUBLIC + "?token=[redacted]",
        "headers": {"Authorization": "Bearer [redacted]"},
        "body": "key=[redacted]",
    }


def test_send_never_logs_a_secret(transport, caplog):
    transport.get(PUBLIC, body="ok")
    request = OutgoingRequest("GET", PUBLIC, params=(("key", SECRET),), secrets=(SECRET,))

    with caplog.at_level(logging.DEBUG):
        http.send(request)

    assert caplog.records
    assert SECRET not in caplog.text


def test_adapters_never_import_requests():
    """Style: one HTTP sender; adapters never import requests."""
    adapters = Path(http.__file__).parent / "adapters"

    offenders = [p.name for p in adapters.glob("*.py") if "import requests" in p.read_text()]

    assert offenders == []
