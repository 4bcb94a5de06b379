"""AppsFlyer S2S in-app events (partners.md section 5) and S2S clicks (section 4)."""

import hashlib
from datetime import UTC
from decimal import Decimal, InvalidOperation

from django.conf import settings

from campaigns.models import Platform
from partners.adapters.base import (
    Adapter,
    Classification,
    OutgoingRequest,
    PartnerResponse,
    Verdict,
    classify_by_status,
    compact_json,
    custom_data,
    event_time,
    known_device_ids,
    refuse,
    short_text,
)
from partners.models import AppsFlyerConfig
from tracking.models import Destination, EventKind

MAX_BODY_BYTES = 1024
CREDENTIAL_MESSAGES = ("failed to authenticate", "doesn't match the authentication token")
# Our device-id vocabulary to AppsFlyer's event fields, per platform.
EVENT_DEVICE_IDS = {
    Platform.IOS: (("idfa", "idfa"), ("idfv", "idfv")),
    Platform.ANDROID: (
        ("gps_adid", "advertising_id"),
        ("oaid", "oaid"),
        ("fire_adid", "amazon_aid"),
    ),
}


def _config_for(delivery) -> AppsFlyerConfig | None:
    return AppsFlyerConfig.objects.filter(app_id=delivery.event.app_id).first()


def _checked_app_id(event, config: AppsFlyerConfig) -> str:
    app_id = config.appsflyer_app_id
    if event.app.platform == Platform.IOS and not (
        app_id.startswith("id") and app_id[2:].isdigit()
    ):
        # AppsFlyer answers 200 to such an id and silently drops the record.
        raise refuse(
            "partners.md § 5: {app_id}: iOS is id + the App Store number",
            f"AppsFlyer app id '{app_id}' lacks the 'id' prefix (id123456789): fix the app's "
            "AppsFlyer settings, then replay.",
        )
    if not app_id:
        raise refuse("partners.md § 5: {app_id}", "The app has no AppsFlyer app id.")
    return app_id


class AppsFlyerEventAdapter(Adapter):
    destination = Destination.APPSFLYER_EVENT

    def config_for(self, delivery) -> AppsFlyerConfig | None:
        return _config_for(delivery)

    def build(self, event, config: AppsFlyerConfig) -> OutgoingRequest:
        if event.kind != EventKind.EVENT:
            raise refuse(
                "partners.md § 5: AppsFlyer: S2S in-app events",
                f"AppsFlyer S2S takes in-app events, not {event.get_kind_display().lower()}s.",
            )
        app_id = _checked_app_id(event, config)
        if config.credentials_error:
            raise refuse(
                "partners.md § 5: credential problems: the config is flagged until fixed",
                f"AppsFlyer refused this app's key ({config.credentials_error}): update the S2S "
                "key, then replay.",
            )
        if not config.s2s_key:
            raise refuse(
                "partners.md § 5: header authentication: <the app's S2S key>",
                "The app has no AppsFlyer S2S key: add it in the app's AppsFlyer settings.",
            )
        body = compact_json(_event_body(event)).encode()
        if len(body) > MAX_BODY_BYTES:
            raise refuse(
                "partners.md § 5: One event per request, body at most 1 KB",
                f"The AppsFlyer body would be {len(body)} bytes; AppsFlyer takes at most 1 KB: "
                "send less custom data.",
            )
        return OutgoingRequest(
            method="POST",
            url=settings.APPSFLYER_S2S_EVENTS_URL.format(app_id=app_id),
            headers=(
                ("authentication", config.s2s_key),
                ("Content-Type", "application/json"),
            ),
            body=body,
            secrets=(config.s2s_key,),
        )

    def classify(self, response: PartnerResponse) -> Classification:
        message = short_text(response.body)
        lowered = message.lower()
        if response.status_code == 401 or (
            response.status_code == 400 and any(m in lowered for m in CREDENTIAL_MESSAGES)
        ):
            return Classification(
                Verdict.PERMANENT,
                message or "Unauthorized",
                credentials_problem=True,
            )
        return classify_by_status(response, message)


def _event_body(event) -> dict:
    ids = known_device_ids(event)
    if not ids.get("appsflyer_id"):
        raise refuse(
            "partners.md § 5: Body: mandatory appsflyer_id",
            "AppsFlyer needs the device's appsflyer_id: send it with the record.",
        )
    platform = event.app.platform
    if not event.name:
        raise refuse("partners.md § 5: Body: eventName", "An AppsFlyer event needs a name.")
    body = {"appsflyer_id": ids["appsflyer_id"], "eventName": event.name}
    body["eventValue"] = _event_value(event)
    moment = event_time(event)
    if moment:
        # UTC with milliseconds: yyyy-MM-dd HH:mm:ss.SSS
        utc = moment.astimezone(UTC)
        body["eventTime"] = utc.strftime("%Y-%m-%d %H:%M:%S.") + f"{utc.microsecond // 1000:03d}"
    if event.currency:
        body["eventCurrency"] = event.currency
    body["bundleIdentifier"] = event.app.bundle_id
    if platform == Platform.IOS:
        if not event.os_version:
            raise refuse(
                "partners.md § 5: os (the OS version) mandatory for iOS",
                "AppsFlyer needs the iOS version (os_version) of iOS records; without it "
                "AppsFlyer assumes 14.5.",
            )
        body["os"] = event.os_version
        if event.att_status is not None:
            body["att"] = int(event.att_status)
    for ours, theirs in EVENT_DEVICE_IDS.get(platform, ()):
        if ours in ids:
            body[theirs] = ids[ours]
    if event.ip:
        body["ip"] = str(event.ip)
    if event.user_agent:
        body["ua"] = event.user_agent
    if "customer_user_id" in ids:
        body["customer_user_id"] = ids["customer_user_id"]
    if event.app_version:
        body["app_version_name"] = event.app_version
    return body


def _event_value(event) -> str:
    """A stringified JSON object ("" when there is none): a nested object loses the revenue."""
    value = custom_data(event)
    if event.revenue is not None:
        try:
            revenue = Decimal(event.revenue)
        except (InvalidOperation, TypeError, ValueError):
            raise refuse(
                "partners.md § 5: af_revenue", f"Revenue {event.revenue!r} is not a number."
            ) from None
        if not revenue.is_finite():
            raise refuse("partners.md § 5: af_revenue", f"Revenue {revenue} is not a number.")
        # Negative revenue is allowed: refunds.
        value["af_revenue"] = _plain_decimal(revenue)
    return compact_json(value) if value else ""


def _plain_decimal(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class AppsFlyerClickAdapter(Adapter):
    destination = Destination.APPSFLYER_CLICK

    def config_for(self, delivery) -> AppsFlyerConfig | None:
        return _config_for(delivery)

    def build(self, event, config: AppsFlyerConfig) -> OutgoingRequest:
        if event.kind != EventKind.CLICK:
            raise refuse(
                "partners.md § 4: AppsFlyer: S2S clicks",
                f"The AppsFlyer click link takes clicks, not {event.get_kind_display().lower()}s.",
            )
        app_id = _checked_app_id(event, config)
        if not config.click_pid:
            raise refuse(
                "partners.md § 4: pid (media source)",
                "The app's AppsFlyer settings have no click media source (pid): add it.",
            )
        params = [("pid", config.click_pid)]
        campaign = _campaign_name(event)
        if campaign:
            params.append(("c", campaign))
        if event.click_id:
            params.append(("clickid", event.click_id))
        params += _click_device_params(event)
        if config.click_ref_prefix and event.transaction_id:
            params.append(("af_ref", f"{config.click_ref_prefix}_{event.transaction_id}"))
        for name, value in (
            ("af_ua", event.user_agent),
            ("af_os_version", event.os_version),
            ("af_model", event.device_model),
            ("af_ip", str(event.ip or "")),
        ):
            if value:
                params.append((name, value))
        # redirect=false: the network itself sends the user to the store.
        params.append(("redirect", "false"))
        return OutgoingRequest(
            method="GET",
            url=settings.APPSFLYER_CLICK_URL.format(app_id=app_id),
            params=tuple(params),
        )

    def classify(self, response: PartnerResponse) -> Classification:
        return classify_by_status(response, short_text(response.body))


def _campaign_name(event) -> str:
    campaign = event.campaign
    if campaign is None:
        return ""
    ids = campaign.partner_campaign_ids if isinstance(campaign.partner_campaign_ids, dict) else {}
    named = ids.get("appsflyer")
    return named if isinstance(named, str) and named else campaign.name


def _sha1(value: str) -> str:
    return hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()


def _click_device_params(event) -> list[tuple[str, str]]:
    ids = known_device_ids(event)
    if event.app.platform == Platform.IOS:
        if "idfa" not in ids:
            return []
        return [("idfa", ids["idfa"]), ("sha1_idfa", _sha1(ids["idfa"]))]
    # GAID first; the Android ID only when there is no GAID.
    if "gps_adid" in ids:
        gaid = ids["gps_adid"]
        return [("advertising_id", gaid), ("sha1_advertising_id", _sha1(gaid))]
    if "android_id" in ids:
        android_id = ids["android_id"]
        return [("android_id", android_id), ("sha1_android_id", _sha1(android_id))]
    return []
