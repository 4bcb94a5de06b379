"""Ad-network callbacks (partners.md section 1): a Callback's template rendered and requested
with GET, for clicks and completed views."""

from partners.adapters.base import (
    Adapter,
    Classification,
    OutgoingRequest,
    PartnerResponse,
    Verdict,
    classify_by_status,
    event_time,
    known_device_ids,
    refuse,
    short_text,
    unix_seconds,
)
from partners.macros import render
from partners.models import Callback
from tracking.models import Destination, EventKind

# Our macro names to our device-id vocabulary.
DEVICE_MACROS = {
    "idfa": "idfa",
    "idfv": "idfv",
    "gaid": "gps_adid",
    "android_id": "android_id",
    "oaid": "oaid",
}


class CallbackAdapter(Adapter):
    destination = Destination.CALLBACK

    def config_for(self, delivery) -> Callback | None:
        if delivery.callback_id is None:
            return None
        return Callback.objects.select_related("template").filter(pk=delivery.callback_id).first()

    def build(self, event, config: Callback) -> OutgoingRequest:
        if event.kind not in (EventKind.CLICK, EventKind.VIEW):
            raise refuse(
                "partners.md § 1: Firing: for every click (or completed view)",
                "Callbacks fire for clicks and completed views only.",
            )
        if not config.enabled:
            raise refuse(
                "partners.md § 1: A callback that is OFF sends nothing.", f"'{config}' is OFF."
            )
        values = _event_macros(event, config.template.third_party)
        prompted = config.values if isinstance(config.values, dict) else {}
        # The marketer's prompted values (tracker token, campaign id...) win over ours.
        values.update({k: str(v) for k, v in prompted.items() if v not in (None, "")})
        return OutgoingRequest(method="GET", url=render(config.template.url_template, values))

    def classify(self, response: PartnerResponse) -> Classification:
        if 300 <= response.status_code < 400:
            # Click trackers answer with a redirect to the store: the click was recorded.
            location = response.header("Location") or ""
            return Classification(Verdict.DELIVERED, f"Redirect to {location} (not followed)")
        return classify_by_status(response, short_text(response.body))


def _event_macros(event, third_party: str) -> dict[str, str]:
    ids = known_device_ids(event)
    values = {macro: ids.get(ours, "") for macro, ours in DEVICE_MACROS.items()}
    moment = event_time(event)
    app = event.app
    values.update(
        ip=str(event.ip or ""),
        ua=event.user_agent or "",
        click_id=event.click_id or "",
        transaction_id=event.transaction_id or "",
        timestamp=str(unix_seconds(moment)) if moment else "",
        bundle_id=app.bundle_id,
        store_id=app.store_id,
        campaign_id=_campaign_id(event, third_party),
        os_version=event.os_version or "",
        device_model=event.device_model or "",
    )
    return values


def _campaign_id(event, third_party: str) -> str:
    """The third party's id for the campaign when the marketer gave one, else ours."""
    campaign = event.campaign
    if campaign is None:
        return ""
    ids = campaign.partner_campaign_ids if isinstance(campaign.partner_campaign_ids, dict) else {}
    theirs = ids.get(third_party)
    return theirs if isinstance(theirs, str) and theirs else str(campaign.pk)
