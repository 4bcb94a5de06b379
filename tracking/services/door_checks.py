"""Partner rules checked when a record arrives (partners.md), for the partners the app delivers to.

A record that a configured partner would certainly reject is refused with field errors before
anything is stored; a record a partner would take but treat worse (no ATT answer, no advertising
id...) is accepted with warnings in the response.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from campaigns.models import App, Platform
from tracking.models import EventKind

IOS_DEVICE_IDS = ("idfa", "idfv")
ANDROID_DEVICE_IDS = ("gps_adid", "android_id", "oaid", "fire_adid")
ADVERTISING_IDS = ("idfa", "gps_adid", "oaid", "fire_adid")
# partners.md §3: preferred idfa, gps_adid, fire_adid, oaid; backup idfv, android_id; adid.
ADJUST_DEVICE_IDS = ("idfa", "gps_adid", "fire_adid", "oaid", "idfv", "android_id", "adid")
# partners.md §2: data.device_ids needs at least one of idfa, idfv, adid (Google's), android_id.
KOCHAVA_DEVICE_IDS = ("idfa", "idfv", "gps_adid", "android_id", "oaid", "fire_adid")
ADJUST_MIN_REVENUE = Decimal("0.001")
ADJUST_MAX_REVENUE = Decimal("100000000000")
AD_SERVICES_TOKEN_LIFETIME = timedelta(hours=24)
ZERO_ID = "00000000-0000-0000-0000-000000000000"


@dataclass
class DoorCheck:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[dict[str, str]] = field(default_factory=list)

    def refuse(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def warn(self, code: str, message: str) -> None:
        self.warnings.append({"code": code, "message": message})


def adjust_event_token(app: App, event_name: str):
    """The app's Adjust event map row for this event, or None (then Adjust is skipped)."""
    config = getattr(app, "adjust_config", None)
    if config is None:
        return None
    return next((m for m in config.event_tokens.all() if m.event_name == event_name), None)


def _ios_major(os_version: str) -> int | None:
    head = os_version.split(".", 1)[0]
    return int(head) if head.isdigit() and len(head) < 4 else None


def _platform(check: DoorCheck, app: App, data: dict) -> None:
    foreign = ANDROID_DEVICE_IDS if app.platform == Platform.IOS else IOS_DEVICE_IDS
    for name in foreign:
        if data.get(name):
            check.refuse(name, f"{app.get_platform_display()} apps have no {name}.")


def _adjust(check: DoorCheck, app: App, kind: str, data: dict) -> None:
    if kind != EventKind.EVENT or adjust_event_token(app, data.get("event_name", "")) is None:
        return
    if not any(data.get(name) for name in ADJUST_DEVICE_IDS):
        check.refuse(
            "idfa" if app.platform == Platform.IOS else "gps_adid",
            "Adjust needs a device id (idfa, gps_adid, fire_adid, oaid, idfv, android_id or "
            "adid) for this app's events.",
        )
    revenue = data.get("revenue")
    if revenue is not None and not ADJUST_MIN_REVENUE <= revenue <= ADJUST_MAX_REVENUE:
        check.refuse("revenue", "Adjust takes revenue from 0.001 to 100,000,000,000.")
    if data.get("ip") and ":" in data["ip"]:
        check.warn("adjust_ipv6", "Adjust takes IPv4 only: the IPv6 address is not sent to it.")


def _appsflyer(check: DoorCheck, app: App, kind: str, data: dict) -> None:
    if getattr(app, "appsflyer_config", None) is None or kind != EventKind.EVENT:
        return
    if not data.get("appsflyer_id"):
        check.refuse("appsflyer_id", "AppsFlyer needs appsflyer_id for this app's events.")
    if not (data.get("user_agent") and data.get("ip")):
        check.warn("appsflyer_meta", "Meta (via AppsFlyer) needs user_agent and ip.")
    if app.platform == Platform.IOS and not data.get("os_version"):
        check.warn(
            "appsflyer_os_version", "Without os_version AppsFlyer assumes the device runs 14.5."
        )


def _kochava(check: DoorCheck, app: App, kind: str, data: dict) -> None:
    if getattr(app, "kochava_config", None) is None:
        return
    if kind not in (EventKind.INSTALL, EventKind.EVENT):
        return
    if not any(data.get(name) for name in KOCHAVA_DEVICE_IDS):
        check.refuse(
            "idfa" if app.platform == Platform.IOS else "gps_adid",
            "Kochava needs a device id (idfa, idfv, gps_adid, android_id, oaid or fire_adid).",
        )


def _warnings(check: DoorCheck, app: App, kind: str, data: dict, now: datetime) -> None:
    if not any(data.get(name) and data[name] != ZERO_ID for name in ADVERTISING_IDS):
        check.warn(
            "no_advertising_id",
            "No advertising id: partners fall back to probabilistic matching, if any.",
        )
    major = _ios_major(data.get("os_version", ""))
    if (
        app.platform == Platform.IOS
        and kind in (EventKind.INSTALL, EventKind.EVENT)
        and "att_status" not in data
        and (major is None or major >= 14)
    ):
        check.warn(
            "att_missing",
            "iOS 14+ without att_status: partners assume no consent and drop the IDFA.",
        )
    created_at = data.get("ad_services_token_created_at")
    if (
        data.get("ad_services_token")
        and created_at
        and now - created_at > AD_SERVICES_TOKEN_LIFETIME
    ):
        check.warn(
            "ad_services_token_expired",
            "The AdServices token is older than 24 hours: Apple no longer attributes it.",
        )


def record_check(*, app: App, kind: str, data: dict, now: datetime) -> DoorCheck:
    check = DoorCheck()
    _platform(check, app, data)
    _adjust(check, app, kind, data)
    _appsflyer(check, app, kind, data)
    _kochava(check, app, kind, data)
    _warnings(check, app, kind, data, now)
    return check
