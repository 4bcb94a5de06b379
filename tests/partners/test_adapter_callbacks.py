"""Ad-network callbacks: templates rendered into GET requests (partners.md § 1)."""

from datetime import UTC, datetime

import pytest

from partners.adapters import ADAPTERS
from partners.adapters.base import PartnerResponse, Verdict
from partners.errors import PermanentDeliveryError
from partners.models import CallbackKind, ThirdParty
from tests.factories import (
    AndroidAppFactory,
    CallbackFactory,
    CallbackTemplateFactory,
    CampaignFactory,
    EventFactory,
    IosAppFactory,
)
from tracking.models import Delivery, EventKind

pytestmark = pytest.mark.django_db

callbacks = ADAPTERS["callback"]
IDFA = "8D2E2CF6-0E44-4C2B-9E73-2C9F5C0D1A11"
OCCURRED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_callback_golden_ios_click():
    """§ 1 Firing: each attached callback that is ON is rendered (macros {idfa}, {ip}, {ua},
    {click_id}, {timestamp}, {campaign_id} and the prompted values, each URL-encoded) and
    requested with GET."""
    # Given an Adjust iOS click callback and a click from a campaign known to Adjust
    app = IosAppFactory()
    template = CallbackTemplateFactory(
        url_template=(
            "https://app.adjust.com/{tracker_token}?idfa={idfa}&campaign={campaign_id}"
            "&ip_address={ip}&user_agent={ua}&click_id={click_id}&ts={timestamp}"
        )
    )
    callback = CallbackFactory(template=template, values={"tracker_token": "abc 123"})
    campaign = CampaignFactory(app=app, partner_campaign_ids={"adjust": "summer/1"})
    event = EventFactory.build(
        app=app,
        kind=EventKind.CLICK,
        name="",
        campaign=campaign,
        occurred_at=OCCURRED,
        click_id="c&1",
        device_ids={"idfa": IDFA},
        user_agent="Mozilla/5.0 (iPhone)",
    )

    # When the request is built
    request = callbacks.build(event, callbacks.config_for(Delivery(event=event, callback=callback)))

    # Then every macro is filled and URL-encoded
    assert request.method == "GET"
    assert request.full_url == (
        f"https://app.adjust.com/abc%20123?idfa={IDFA}&campaign=summer%2F1"
        "&ip_address=203.0.113.7&user_agent=Mozilla%2F5.0%20%28iPhone%29&click_id=c%261"
        f"&ts={int(OCCURRED.timestamp())}"
    )


def test_callback_golden_android_completed_view():
    """§ 1 Completed-view callbacks: the partner's view template, {gaid} and prompted values."""
    # Given an AppsFlyer Android completed-view callback
    app = AndroidAppFactory(bundle_id="com.example.runner")
    template = CallbackTemplateFactory(
        third_party=ThirdParty.APPSFLYER,
        kind=CallbackKind.VIEW,
        platform="android",
        url_template=(
            "https://impression.appsflyer.com/{bundle_id}?pid={pid}&c={campaign_id}"
            "&advertising_id={gaid}&af_viewthrough_lookback=1d"
        ),
        prompted_fields=[{"name": "pid", "label": "Media source"}],
    )
    callback = CallbackFactory(template=template, values={"pid": "chartboosts2s_int"})
    event = EventFactory.build(
        app=app, kind=EventKind.VIEW, name="", device_ids={"gps_adid": "g-1"}
    )

    # When the request is built
    request = callbacks.build(event, callback)

    # Then it is the rendered view URL (no campaign: empty value)
    assert request.full_url == (
        "https://impression.appsflyer.com/com.example.runner?pid=chartboosts2s_int&c="
        "&advertising_id=g-1&af_viewthrough_lookback=1d"
    )


def test_callback_that_is_off_sends_nothing():
    """§ 1: A callback that is OFF sends nothing."""
    callback = CallbackFactory(enabled=False)
    event = EventFactory.build(kind=EventKind.CLICK)

    with pytest.raises(PermanentDeliveryError) as caught:
        callbacks.build(event, callback)

    assert "OFF" in caught.value.message


def test_callback_delivery_without_callback_has_no_config():
    """§ 1: a callback delivery's configuration is its Callback."""
    event = EventFactory(kind=EventKind.CLICK)

    assert callbacks.config_for(Delivery(event=event)) is None


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, Verdict.DELIVERED),
        (204, Verdict.DELIVERED),
        (302, Verdict.DELIVERED),
        (400, Verdict.PERMANENT),
        (404, Verdict.PERMANENT),
        (429, Verdict.TRANSIENT),
        (500, Verdict.TRANSIENT),
    ],
)
def test_callback_status_class_is_classified(status, verdict):
    """§ 1 Firing: a click tracker's redirect to the store means the click was recorded; 5xx/429
    retry; other 4xx permanent."""
    response = PartnerResponse(status, "", {"Location": "https://apps.apple.com/app/id1"})

    assert callbacks.classify(response).verdict == verdict
