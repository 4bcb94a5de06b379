"""Adjust's /event endpoint: the rules of partners.md section 3, answered with Adjust's codes
and messages. App tokens, event maps and auth tokens come from the database the sandbox runs
against, so what the product stores is what the sandbox checks."""

import ipaddress
import json
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from partners.models import AdjustConfig
from partners.sandbox.exchange import SandboxRequest, SandboxResponse, json_response

MAX_BYTES = 1024 * 1024
MAX_AGE_SECONDS = 58 * 24 * 3600
DEVICE_PARAMS = ("idfa", "gps_adid", "fire_adid", "oaid", "web_uuid", "idfv", "android_id", "adid")


def failure(status: int, message: str) -> SandboxResponse:
    return json_response(status, {"error": f"Event request failed ({message})"})


@dataclass
class AdjustMemory:
    """What Adjust remembers between requests: event order per device, unique events."""

    last_seen: dict[str, float] = field(default_factory=dict)
    unique_tokens: set[str] = field(default_factory=set)
    tracked_unique: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.last_seen.clear()
            self.unique_tokens.clear()
            self.tracked_unique.clear()


class Rejected(Exception):
    def __init__(self, response: SandboxResponse) -> None:
        super().__init__(response.body)
        self.response = response


def handle_event(request: SandboxRequest, memory: AdjustMemory) -> SandboxResponse:
    if len(request.body) + len(request.query) > MAX_BYTES:
        return failure(413, "Request size too large")
    if request.method not in ("GET", "POST"):
        return failure(400, "Bad event state: use GET or POST")
    params = {**request.query_params(), **request.form_params()}
    try:
        config, auth_warning = _authorised_config(request, params)
        _check_params(params, config)
        _track(params, memory)
    except Rejected as rejected:
        return rejected.response
    if auth_warning:
        return SandboxResponse(202, auth_warning)
    return json_response(200, {"status": "OK"})


def _authorised_config(request: SandboxRequest, params: dict) -> tuple[AdjustConfig, str]:
    if params.get("s2s") != "1":
        raise Rejected(failure(400, "Bad event state: s2s=1 is required"))
    app_token = params.get("app_token", "")
    if not app_token.isalnum():
        raise Rejected(failure(400, "Invalid app token"))
    config = AdjustConfig.objects.filter(app_token=app_token).first()
    if config is None:
        raise Rejected(failure(404, "App token not found"))
    header = request.header("Authorization") or ""
    sent = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    live = {token.secret for token in config.live_tokens()}
    if sent and sent in live:
        return config, ""
    if config.auth_active:
        raise Rejected(failure(401, "Failed to authorize request"))
    return config, "Wrong authentication token" if header else "Missing authentication token"


def _check_params(params: dict, config: AdjustConfig) -> None:
    event_tokens = set(config.event_tokens.values_list("event_token", flat=True))
    if params.get("event_token") not in event_tokens:
        raise Rejected(failure(400, "Invalid event token"))
    if not any(params.get(name) for name in DEVICE_PARAMS):
        raise Rejected(failure(404, "Device not found"))
    if "revenue" in params:
        _check_revenue(params)
    for name in ("callback_params", "partner_params"):
        if name in params and not _flat_strings(params[name]):
            raise Rejected(failure(400, "Invalid callback parameters"))
    if "ip_address" in params and not _ipv4(params["ip_address"]):
        raise Rejected(failure(400, "Bad event state: ip_address accepts IPv4 only"))
    if params.get("environment", "production") not in ("production", "sandbox"):
        raise Rejected(failure(400, "Bad event state: environment is sandbox or production"))


def _check_revenue(params: dict) -> None:
    try:
        revenue = Decimal(params["revenue"])
    except InvalidOperation:
        raise Rejected(failure(400, "Invalid revenue")) from None
    currency = params.get("currency", "")
    if not (Decimal("0.001") <= revenue <= Decimal("100000000000")) or not (
        len(currency) == 3 and currency.isalpha()
    ):
        raise Rejected(failure(400, "Invalid revenue"))


def _flat_strings(raw: str) -> bool:
    try:
        value = json.loads(raw)
    except ValueError:
        return False
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _ipv4(raw: str) -> bool:
    try:
        return ipaddress.ip_address(raw).version == 4
    except ValueError:
        return False


def _created_at(params: dict) -> float | None:
    raw = params.get("created_at_unix", "")
    if not raw.isdigit():
        return None
    value = int(raw)
    return value / 1000 if value > 10**11 else float(value)


def _device(params: dict) -> str:
    name = next(name for name in DEVICE_PARAMS if params.get(name))
    return f"{name}={params[name]}"


def _track(params: dict, memory: AdjustMemory) -> None:
    device, token = _device(params), params["event_token"]
    created = _created_at(params)
    if created is not None and time.time() - created > MAX_AGE_SECONDS:
        raise Rejected(failure(400, "Bad event state: created_at is older than 58 days"))
    # Ordered per device and event token; revenue events per device across all revenue tokens.
    keys = [f"{device}|{token}"] + ([f"{device}|revenue"] if "revenue" in params else [])
    with memory.lock:
        if created is not None and any(created < memory.last_seen.get(k, 0) for k in keys):
            raise Rejected(
                failure(400, "Bad event state: created_at is before an event already tracked")
            )
        if token in memory.unique_tokens:
            if (device, token) in memory.tracked_unique:
                raise Rejected(failure(400, "Ignoring event, earlier unique event tracked"))
            memory.tracked_unique.add((device, token))
        if created is not None:
            for key in keys:
                memory.last_seen[key] = max(created, memory.last_seen.get(key, 0))
