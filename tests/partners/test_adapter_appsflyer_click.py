"""AppsFlyer S2S clicks: the click URL and the reading of answers (partners.md § 4)."""

import hashlib

import pytest

from partners.adapters import ADAPTERS
from partners.adapters.base import PartnerResponse, Verdict
from partners.errors import PermanentDeliveryError
from tests.factories import (
    AndroidAppFactory,
    AppsFlyerConfigFactory,
    CampaignFactory,
    EventFactory,
    IosAppFactory,
)
from tracking.models import Delivery, EventKind

pytestmark = pytest.mark.django_db

click = ADAPTERS["appsflyer_click"]
IDFA = "8D2E2CF6-0E44-4C2B-9E73-2C9F5C0D1A11"
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)"


@pytest.fixture(autouse=True)
def click_url(settings):
    settings.APPSFLYER_CLICK_URL = "https://app.appsflyer.com/{app_id}"


def _sha1(value: str) -> str:
    return hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()


def _click(app, **kwargs):
    fields = {
        "app": app,
        "kind": EventKind.CLICK,
        "name": "",
        "click_id": "clk 1/2",
        "transaction_id": "1234567",
    }
    fields.update(kwargs)
    return EventFactory.build(**fields)


def test_appsflyer_click_golden_ios():
    """§ 4: redirect=false, pid, c, clickid; iOS idfa or sha1_idfa; af_ref = prefix_transaction;
    af_ua, af_os_version, af_model, af_ip; every value URL-encoded."""
    # Given an iOS app with click settings and a click from a campaign
    app = IosAppFactory(store_id="123456789")
    AppsFlyerConfigFactory(app=app)
    campaign = CampaignFactory(app=app, name="Summer Sale")
    event = _click(app, campaign=campaign, device_ids={"idfa": IDFA})

    # When the request is built
    request = click.build(event, click.config_for(Delivery(event=event)))

    # Then it is the S2S click link, every value percent-encoded
    assert request.method == "GET"
    assert request.full_url == (
        "https://app.appsflyer.com/id123456789?pid=chartboosts2s_int&c=Summer%20Sale"
        f"&clickid=clk%201%2F2&idfa={IDFA}&sha1_idfa={_sha1(IDFA)}&af_ref=NetworkA_1234567"
        "&af_ua=Mozilla%2F5.0%20%28iPhone%3B%20CPU%20iPhone%20OS%2017_1%20like%20Mac%20OS%20X%29"
        "&af_os_version=17.1&af_model=iPhone15%2C2&af_ip=203.0.113.7&redirect=false"
    )


def test_appsflyer_click_golden_android_prefers_gaid():
    """§ 4 Device ids: Android: prefer advertising_id (GAID); SHA1 variant sha1_advertising_id."""
    # Given an Android click with both GAID and Android ID
    app = AndroidAppFactory(bundle_id="com.example.runner")
    config = AppsFlyerConfigFactory(app=app)
    event = _click(
        app,
        device_ids={"gps_adid": "g-1", "android_id": "a-1"},
        user_agent="",
        os_version="",
        device_model="",
        ip=None,
    )

    # When the request is built
    request = click.build(event, config)

    # Then only the GAID (and its hash) identifies the device
    assert request.full_url == (
        "https://app.appsflyer.com/com.example.runner?pid=chartboosts2s_int&clickid=clk%201%2F2"
        f"&advertising_id=g-1&sha1_advertising_id={_sha1('g-1')}&af_ref=NetworkA_1234567"
        "&redirect=false"
    )


def test_appsflyer_click_falls_back_to_android_id_without_gaid():
    """§ 4 Device ids: Android: prefer advertising_id (GAID); else android_id; sha1_android_id."""
    app = AndroidAppFactory()
    config = AppsFlyerConfigFactory(app=app)
    event = _click(app, device_ids={"android_id": "a-1"})

    params = dict(click.build(event, config).params)

    assert params["android_id"] == "a-1"
    assert params["sha1_android_id"] == _sha1("a-1")
    assert "advertising_id" not in params


def test_appsflyer_click_names_the_campaign_by_its_appsflyer_id_when_given():
    """§ 4: c (campaign)."""
    app = IosAppFactory()
    config = AppsFlyerConfigFactory(app=app)
    campaign = CampaignFactory(app=app, partner_campaign_ids={"appsflyer": "summer_af"})

    params = dict(click.build(_click(app, campaign=campaign), config).params)

    assert params["c"] == "summer_af"


def test_appsflyer_click_refuses_without_a_media_source():
    """§ 4: pid (media source)."""
    config = AppsFlyerConfigFactory(click_pid="")

    with pytest.raises(PermanentDeliveryError) as caught:
        click.build(_click(config.app), config)

    assert "pid" in caught.value.rule


def test_appsflyer_click_refuses_an_ios_app_id_without_the_id_prefix():
    """§ 1/§ 5: `{app_id}` is `id<digits>` for iOS."""
    config = AppsFlyerConfigFactory(appsflyer_app_id="123456789")

    with pytest.raises(PermanentDeliveryError):
        click.build(_click(config.app), config)


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, Verdict.DELIVERED),
        (400, Verdict.PERMANENT),
        (404, Verdict.PERMANENT),
        (429, Verdict.TRANSIENT),
        (500, Verdict.TRANSIENT),
    ],
)
def test_appsflyer_click_status_class_is_classified(status, verdict):
    """§ 4 (with § 5's reading of AppsFlyer answers): 2xx delivered, 5xx/429 retry, 4xx
    permanent."""
    assert click.classify(PartnerResponse(status, "")).verdict == verdict
