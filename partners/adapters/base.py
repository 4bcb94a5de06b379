"""The adapter contract every partner module implements.

`build(event, config)` turns a stored event plus the app's stored partner configuration into a
frozen OutgoingRequest, with no I/O; it raises PermanentDeliveryError naming the rule when the
event cannot be sent. `classify(response)` reads the partner's answer into a Verdict, keeping the
partner's own message. The one HTTP sender (partners.http) does the I/O in between.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar


@dataclass(frozen=True)
class OutgoingRequest:
    method: str
    url: str
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    # Values to replace with "[redacted]" wherever the request is recorded or logged.
    secrets: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class PartnerResponse:
    status_code: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


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


class Adapter:
    destination: ClassVar[str]

    def config_for(self, event) -> Any | None:
        """The app's stored configuration for this destination, or None when not configured."""
        raise NotImplementedError

    def build(self, event, config) -> OutgoingRequest:
        raise NotImplementedError

    def classify(self, response: PartnerResponse) -> Classification:
        raise NotImplementedError
