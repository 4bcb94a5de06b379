"""Adjust S2S events (partners.md section 3): URL or form parameters, never a JSON body."""

import ipaddress
import json
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone

from campaigns.models import Platform
from partners.adapters.base import (
    Adapter,
    Classification,
    OutgoingRequest,
    PartnerResponse,
    Verdict,
    classify_by_status,
    compact_json,
    encode_pairs,
    known_device_ids,
    refuse,
    short_text,
    unix_seconds,
)
from partners.models import AdjustConfig, HttpMethod
from tracking.models import Destination, EventKind

MAX_AGE = timedelta(days=58)
MIN_REVENUE = Decimal("0.001")
MAX_REVENUE = Decimal("100000000000")
# Our device-id vocabulary to Adjust's parameter names, per platform, in the order they are sent.
DEVICE_ID_PARAMS = {
    Platform.IOS: (("idfa", "idfa"), ("idfv", "idfv")),
    Platform.ANDROID: (
        ("gps_adid", "gps_adid"),
        ("fire_adid", "fire_adid"),
        ("oaid", "oaid"),
        ("android_id", "android_id"),
    ),
}
FLAT_PARAMS = ("callback_params", "partner_params")
DUPLICATE = "earlier unique event tracked"
ERROR_PREFIX = "Event request failed ("


class AdjustAdapter(Adapter):
    destination = Destination.ADJUST

    def config_for(self, delivery) -> AdjustConfig | None:
        return (
            AdjustConfig.objects.filter(app_id=delivery.event.app_id)
            .prefetch_related("event_tokens", "auth_tokens")
            .first()
        )

    def build(self, event, config: AdjustConfig) -> OutgoingRequest:
        if event.kind != EventKind.EVENT:
            raise refuse(
                "partners.md § 3: Not accepted S2S: installs, reattributions and sessions",
                f"Adjust does not accept {event.get_kind_display().lower()}s server to server.",
            )
        params = [
            ("s2s", "1"),
            ("app_token", config.app_token),
            ("event_token", _event_token(event, config)),
            *_device_params(event),
            *_time_params(event),
            *_ip_params(event),
            *_revenue_params(event),
            *_custom_params(event),
        ]
        if config.environment != "production":
            params.append(("environment", config.environment))
        token = _newest_live_token(config)
        headers = (("Authorization", f"Bearer {token}"),) if token else ()
        secrets = (token,) if token else ()
        if config.http_method == HttpMethod.POST:
            return OutgoingRequest(
                method="POST",
                url=settings.ADJUST_S2S_URL,
                headers=(*headers, ("Content-Type", "application/x-www-form-urlencoded")),
                body=encode_pairs(params).encode(),
                secrets=secrets,
            )
        return OutgoingRequest(
            method="GET",
            url=settings.ADJUST_S2S_URL,
            params=tuple(params),
            headers=headers,
            secrets=secrets,
        )

    def classify(self, response: PartnerResponse) -> Classification:
        message = adjust_message(response.body)
        if response.status_code == 202:
            # Authentication inactive and the token missing or wrong: tracked, but fix the token.
            return Classification(Verdict.WARNING, message or "Missing/Wrong authentication token")
        if response.status_code == 400 and DUPLICATE in message:
            # A duplicate of a unique event Adjust already tracked: nothing left to deliver.
            return Classification(Verdict.DELIVERED, message)
        return classify_by_status(response, message)


def adjust_message(body: str) -> str:
    """Adjust's own words: `{"error": "Event request failed (<message>)"}` unwrapped."""
    try:
        payload = json.loads(body)
    except ValueError:
        return short_text(body)
    if not isinstance(payload, dict):
        return short_text(body)
    text = payload.get("error") or payload.get("status") or ""
    if not isinstance(text, str):
        return short_text(body)
    if text.startswith(ERROR_PREFIX) and text.endswith(")"):
        text = text[len(ERROR_PREFIX) : -1].strip()
    return short_text(text)


def _event_token(event, config: AdjustConfig) -> str:
    mapping = next((m for m in config.event_tokens.all() if m.event_name == event.name), None)
    if mapping is None:
        raise refuse(
            "partners.md § 3: Always: event_token (the app's event map gives Adjust's token)",
            f"Event '{event.name}' is not in the Adjust event map: add it in the app's Adjust "
            "settings, then replay.",
        )
    return mapping.event_token


def _device_params(event) -> list[tuple[str, str]]:
    ids = known_device_ids(event)
    names = DEVICE_ID_PARAMS.get(event.app.platform, ())
    params = [(param, ids[ours]) for ours, param in names if ours in ids]
    if "adid" in ids:
        params.append(("adid", ids["adid"]))
    if not params:
        wanted = ", ".join([ours for ours, _ in names] + ["adid"])
        raise refuse(
            "partners.md § 3: Always: device ids",
            f"Adjust needs a device id: send one of {wanted} with the record.",
        )
    return params


def _time_params(event) -> list[tuple[str, str]]:
    # Without a time Adjust uses the arrival time, so a record without one is sent without one.
    if event.occurred_at is None:
        return []
    if timezone.now() - event.occurred_at > MAX_AGE:
        raise refuse(
            "partners.md § 3: Ordering: events older than 58 days are rejected",
            "The event is older than 58 days: Adjust rejects it, so it was not sent.",
        )
    return [("created_at_unix", str(unix_seconds(event.occurred_at)))]


def _ip_params(event) -> list[tuple[str, str]]:
    # Adjust's ip_address takes IPv4 only: an IPv6 address is left out, never sent.
    try:
        address = ipaddress.ip_address(str(event.ip)) if event.ip else None
    except ValueError:
        return []
    return [("ip_address", str(address))] if address and address.version == 4 else []


def _revenue_params(event) -> list[tuple[str, str]]:
    if event.revenue is None:
        return []
    rule = "partners.md § 3: Revenue: min 0.001, max 100,000,000,000, with currency"
    try:
        revenue = Decimal(event.revenue)
    except (InvalidOperation, TypeError, ValueError):
        raise refuse(rule, f"Revenue {event.revenue!r} is not a number.") from None
    if not revenue.is_finite() or not MIN_REVENUE <= revenue <= MAX_REVENUE:
        raise refuse(rule, f"Adjust takes revenue from 0.001 to 100,000,000,000, not {revenue}.")
    currency = (event.currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise refuse(rule, "Adjust needs an ISO 4217 currency code with the revenue.")
    return [("revenue", _plain_decimal(revenue)), ("currency", currency)]


def _plain_decimal(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _custom_params(event) -> list[tuple[str, str]]:
    properties = event.properties if isinstance(event.properties, dict) else {}
    params = []
    for name in FLAT_PARAMS:
        value = properties.get(name)
        if value in (None, {}):
            continue
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise refuse(
                "partners.md § 3: Custom data: a flat JSON object of string values",
                f"Adjust's {name} must be a flat object of text values.",
            )
        params.append((name, compact_json(value)))
    return params


def _newest_live_token(config: AdjustConfig) -> str:
    live = [t for t in config.auth_tokens.all() if t.deleted_at is None]
    newest = max(live, key=lambda t: (t.created_at, t.pk), default=None)
    return newest.secret if newest else ""
