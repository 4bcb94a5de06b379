"""The adapter contract every partner module implements.

`config_for(delivery)` finds the stored configuration a delivery is sent with. `build(event,
config)` turns a stored event plus that configuration into a frozen OutgoingRequest, with no I/O;
it raises PermanentDeliveryError naming the rule when the event cannot be sent. `classify(response)`
reads the partner's answer into a Verdict, keeping the partner's own message. The one HTTP sender
(partners.http) does the I/O in between.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from partners.errors import PermanentDeliveryError


@dataclass(frozen=True)
class OutgoingRequest:
    method: str
    url: str
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    # Values to replace with "[redacted]" wherever the request is recorded or logged.
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def full_url(self) -> str:
        """The URL with its parameters, every value percent-encoded (spaces as %20)."""
        if not self.params:
            return self.url
        separator = "&" if "?" in self.url else "?"
        return self.url + separator + encode_pairs(self.params)


@dataclass(frozen=True)
class PartnerResponse:
    status_code: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


class Verdict(StrEnum):
    DELIVERED = "delivered"
    WARNING = "warning"  # delivered, but the partner flagged something the user must fix
    TRANSIENT = "transient"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Classification:
    verdict: Verdict
    message: str = ""
    retry_after: float | None = None
    # The partner refused our credentials: the delivery layer flags the stored config until fixed.
    credentials_problem: bool = False


class Adapter:
    destination: ClassVar[str]

    def config_for(self, delivery) -> Any | None:
        """The stored configuration this delivery is sent with, or None when not configured."""
        raise NotImplementedError

    def build(self, event, config) -> OutgoingRequest:
        raise NotImplementedError

    def classify(self, response: PartnerResponse) -> Classification:
        raise NotImplementedError


def encode_pairs(pairs) -> str:
    return urlencode(list(pairs), quote_via=quote, safe="")


def compact_json(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def refuse(rule: str, message: str) -> PermanentDeliveryError:
    """The permanent error for a record that breaks a partner rule; `rule` cites partners.md."""
    return PermanentDeliveryError(message, rule=rule)


def unix_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def retry_after_seconds(response: PartnerResponse, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: the header is either delta-seconds or an HTTP date."""
    raw = (response.header("Retry-After") or "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def short_text(body: str, limit: int = 500) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def classify_by_status(response: PartnerResponse, message: str) -> Classification:
    """The common reading: 2xx delivered; 5xx and 429 worth retrying; anything else permanent."""
    status = response.status_code
    if 200 <= status < 300:
        return Classification(Verdict.DELIVERED, message)
    if status == 429 or status >= 500:
        return Classification(
            Verdict.TRANSIENT,
            message or f"HTTP {status}",
            retry_after=retry_after_seconds(response),
        )
    return Classification(Verdict.PERMANENT, message or f"HTTP {status}")


def known_device_ids(event) -> dict[str, str]:
    """The event's device ids in our vocabulary (idfa, gps_adid, ...), blanks left out."""
    ids = event.device_ids if isinstance(event.device_ids, dict) else {}
    return {
        name: str(value).strip()
        for name, value in ids.items()
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip()
    }


def custom_data(event) -> dict:
    """The record's custom data: the API's `custom_data` object, kept in Event.properties."""
    properties = event.properties if isinstance(event.properties, dict) else {}
    data = properties.get("custom_data")
    return dict(data) if isinstance(data, dict) else {}


def event_time(event) -> datetime | None:
    """When the user acted: the client's time, else when we received the record."""
    return event.occurred_at or event.received_at
