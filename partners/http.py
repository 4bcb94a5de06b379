"""The one HTTP sender every adapter's request goes through.

A pooled requests.Session per process, connect and read timeouts from settings, no redirects
followed, the response body read up to HTTP_MAX_RESPONSE_BYTES, and an outbound guard: a host
that resolves to a private, loopback, link-local or reserved address is refused before any
connection is made, unless it is listed in OUTBOUND_ALLOWED_HOSTS (a marketer's callback URL must
not reach internal services); the address actually connected to is checked again, so a name that
changes its answer in between (DNS rebinding) is refused too. Secrets never reach a log or a
summary.
"""

import ipaddress
import logging
import os
import socket
import threading
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from partners.adapters.base import OutgoingRequest, PartnerResponse
from partners.errors import PermanentDeliveryError, TransientDeliveryError

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"
GUARD_RULE = "outbound guard: no private, loopback, link-local or reserved destinations"
_local = threading.local()


class _InternalPeer(Exception):
    """The connection landed on an internal address: the name changed its answer after the
    check (DNS rebinding)."""


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return not ip.is_global or ip.is_multicast


class _PeerCheck:
    """Check the address actually connected to, so a name cannot pass the pre-check with a
    public answer and then connect to an internal one."""

    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if self.host not in settings.OUTBOUND_ALLOWED_HOSTS and _internal(peer):
            sock.close()
            raise _InternalPeer(f"{self.host} connected to {peer}, an internal address")
        return sock


class _CheckedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def _session() -> requests.Session:
    # One pool per process (and thread): a forked Celery worker must not share its parent's sockets.
    session = getattr(_local, "session", None)
    if session is None or getattr(_local, "pid", None) != os.getpid():
        session = requests.Session()
        session.trust_env = False  # never route partner traffic through an ambient proxy
        for scheme in ("http://", "https://"):
            session.mount(scheme, _CheckedAdapter())
        _local.session, _local.pid = session, os.getpid()
    return session


def redact(text: str, secrets) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def request_summary(request: OutgoingRequest) -> dict:
    """What was sent, for the attempt row and the logs, with every secret replaced."""
    secrets = request.secrets
    return {
        "method": request.method,
        "url": redact(request.full_url, secrets),
        "headers": {name: redact(value, secrets) for name, value in request.headers},
        "body": redact(request.body.decode("utf-8", errors="replace"), secrets),
    }


def _refuse(message: str) -> PermanentDeliveryError:
    return PermanentDeliveryError(message, rule=GUARD_RULE)


def outbound_check(url: str) -> None:
    """Refuse a URL whose host is, or resolves to, an address internal services live on."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse(f"Only http(s) URLs with a host can be called, not {parts.scheme}://…")
    host = parts.hostname
    if host in settings.OUTBOUND_ALLOWED_HOSTS:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise TransientDeliveryError(f"Could not resolve {host}: {exc}") from exc
    for info in infos:
        address = info[4][0]
        if _internal(address):
            raise _refuse(
                f"{host} resolves to {address}, an internal address: refused. An admin can "
                "allow the host with OUTBOUND_ALLOWED_HOSTS."
            )


def _read_capped(response: requests.Response) -> str:
    cap = settings.HTTP_MAX_RESPONSE_BYTES
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=8192):
        chunks.append(chunk)
        size += len(chunk)
        if size >= cap:
            break
    raw = b"".join(chunks)[:cap]
    return raw.decode(response.encoding or "utf-8", errors="replace")


def _host(url: str) -> str:
    return urlsplit(url).netloc


def send(request: OutgoingRequest) -> PartnerResponse:
    """Send one request; TransientDeliveryError on timeouts and connection errors,
    PermanentDeliveryError when the outbound guard refuses or the URL is unusable."""
    outbound_check(request.url)
    summary_url = redact(request.full_url, request.secrets)
    try:
        response = _session().request(
            request.method,
            request.full_url,
            headers=dict(request.headers),
            data=request.body or None,
            timeout=(settings.HTTP_CONNECT_TIMEOUT, settings.HTTP_READ_TIMEOUT),
            allow_redirects=False,
            stream=True,
        )
    except requests.Timeout:
        raise TransientDeliveryError(f"No answer in time from {_host(summary_url)}") from None
    except requests.ConnectionError:
        raise TransientDeliveryError(f"Could not connect to {_host(summary_url)}") from None
    except _InternalPeer as exc:
        raise _refuse(f"{exc}: refused.") from None
    except requests.RequestException as exc:
        raise PermanentDeliveryError(
            f"Unusable request: {redact(str(exc), request.secrets)}", rule="a valid URL"
        ) from None
    try:
        body = _read_capped(response)
    except requests.RequestException:
        raise TransientDeliveryError(
            f"The connection to {_host(summary_url)} broke while reading the answer"
        ) from None
    finally:
        response.close()
    logger.info("%s %s -> %s", request.method, summary_url, response.status_code)
    return PartnerResponse(
        status_code=response.status_code,
        body=body,
        headers={name.lower(): value for name, value in response.headers.items()},
    )
