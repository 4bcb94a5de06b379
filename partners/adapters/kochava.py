"""Kochava installs and post-install events (partners.md section 2): one JSON POST per record."""

import json
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings

from campaigns.models import Platform
from partners.adapters.base import (
    Adapter,
    Classification,
    OutgoingRequest,
    PartnerResponse,
    classify_by_status,
    custom_data,
    event_time,
    known_device_ids,
    refuse,
    short_text,
    unix_seconds,
)
from partners.models import KochavaConfig
from tracking.models import Destination, EventKind

# Our device-id vocabulary to Kochava's device_ids keys; the first id found fills a key.
DEVICE_IDS = (
    ("idfa", ("idfa",)),
    ("idfv", ("idfv",)),
    ("adid", ("gps_adid", "fire_adid")),
    ("android_id", ("android_id",)),
    ("custom", ("oaid",)),
)
OS_NAMES = {Platform.IOS: "iOS", Platform.ANDROID: "Android"}
DEFAULT_DEVICES = {Platform.IOS: "iPhone", Platform.ANDROID: "Android"}
ACTIONS = {EventKind.INSTALL: "install", EventKind.EVENT: "event"}


class KochavaAdapter(Adapter):
    destination = Destination.KOCHAVA

    def config_for(self, delivery) -> KochavaConfig | None:
        return KochavaConfig.objects.filter(app_id=delivery.event.app_id).first()

    def build(self, event, config: KochavaConfig) -> OutgoingRequest:
        action = ACTIONS.get(event.kind)
        if action is None:
            raise refuse(
                "partners.md § 2: one POST per install; post-install actions as action: event",
                f"Kochava takes installs and in-app events, not {event.get_kind_display()}s.",
            )
        ids = known_device_ids(event)
        payload = {
            "action": action,
            "kochava_app_id": config.kochava_app_id,
            # Null is allowed when a device id is always present, which _device_ids enforces.
            "kochava_device_id": ids.get("kochava_device_id"),
            "data": _data(event, action, ids),
        }
        return OutgoingRequest(
            method="POST",
            url=settings.KOCHAVA_S2S_URL,
            headers=(("Content-Type", "application/json"),),
            body=json.dumps(payload, separators=(",", ":"), default=_number).encode(),
        )

    def classify(self, response: PartnerResponse) -> Classification:
        # No documented body: any 2xx is accepted without reading it.
        if 200 <= response.status_code < 300:
            return classify_by_status(response, "")
        return classify_by_status(response, short_text(response.body))


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _data(event, action: str, ids: dict[str, str]) -> dict:
    moment = event_time(event)
    data: dict = {"usertime": unix_seconds(moment) if moment else None}
    if event.app_version:
        data["app_version"] = event.app_version
    data["device_ids"] = _device_ids(ids)
    if event.ip:
        data["origination_ip"] = str(event.ip)
    data.update(_device_description(event))
    data.update(_att(event))
    if action == "install" and event.ad_services_token:
        data["ad_services_token"] = event.ad_services_token
    if action == "event":
        data.update(_event_fields(event))
    return data


def _device_ids(ids: dict[str, str]) -> dict[str, str]:
    device_ids = {}
    for key, ours in DEVICE_IDS:
        value = next((ids[name] for name in ours if name in ids), None)
        if value:
            device_ids[key] = value
    if not device_ids:
        raise refuse(
            "partners.md § 2: device_ids: at least one of idfa, idfv, adid, android_id, custom",
            "Kochava needs a device id: send idfa, idfv, gps_adid, android_id or oaid.",
        )
    return device_ids


def _device_description(event) -> dict[str, str]:
    if event.user_agent:
        return {"device_ua": quote(event.user_agent, safe="")}
    if not event.os_version:
        return {}
    # Without a user agent Kochava builds one from <device>-<os_name>-<os_version>.
    platform = event.app.platform
    device = event.device_model or DEFAULT_DEVICES.get(platform, "")
    return {"device_ver": f"{device}-{OS_NAMES.get(platform, platform)}-{event.os_version}"}


def _att(event) -> dict:
    if event.app.platform != Platform.IOS or event.att_status is None:
        return {}
    # iOS 14+ only; an unknown version gets the answer too, since sending it costs nothing.
    if event.os_version and _major_version(event.os_version) < 14:
        return {}
    answer = {"att": event.att_status == 3}
    if isinstance(event.att_time, datetime):
        answer["att_time"] = unix_seconds(event.att_time)
    if event.att_duration_seconds is not None:
        answer["att_duration"] = event.att_duration_seconds
    answer["att_detail"] = event.att_status
    return {"app_tracking_transparency": answer}


def _major_version(version: str) -> int:
    head = (version or "").split(".")[0]
    return int(head) if head.isdigit() else 0


def _event_fields(event) -> dict:
    if not event.name:
        raise refuse(
            "partners.md § 2: action: event with data.event_name", "A Kochava event needs a name."
        )
    event_data = custom_data(event)
    if event.revenue is not None:
        event_data.setdefault("revenue", event.revenue)
    fields = {"event_name": event.name, "event_data": event_data}
    if event.currency:
        fields["currency"] = event.currency
    return fields
