"""Partner rules checked at the door (partners.md), for the partners the app delivers to: a record
a partner would certainly reject is a 400 before anything is stored; a weaker one is accepted with
warnings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    AdjustEventTokenFactory,
    AndroidAppFactory,
    AppsFlyerConfigFactory,
    IosAppFactory,
    KochavaConfigFactory,
)
from tests.tracking.api_support import GAID, IDFA, api_for, ios_event
from tracking.models import Delivery, Event

pytestmark = pytest.mark.django_db


def _codes(response) -> set[str]:
    return {warning["code"] for warning in response.json()["warnings"]}


def _adjust_app():
    return AdjustEventTokenFactory(event_name="purchase").config.app


def test_appsflyer_apps_need_appsflyer_id_on_in_app_events():
    """partners.md §5 Body: "mandatory appsflyer_id (without it, reject at ingestion for apps
    that deliver to AppsFlyer)"."""
    app = AppsFlyerConfigFactory().app
    payload = ios_event(app)
    del payload["appsflyer_id"]

    response = api_for(app).post("events/", payload)

    assert response.status_code == 400
    assert "appsflyer_id" in response.json()
    assert not Event.objects.exists()


def test_apps_without_appsflyer_may_omit_appsflyer_id():
    app = IosAppFactory()
    payload = ios_event(app)
    del payload["appsflyer_id"]

    assert api_for(app).post("events/", payload).status_code == 202


def test_adjust_revenue_below_0_001_is_refused():
    """partners.md §3 Revenue: "revenue in whole currency units, min 0.001"."""
    app = _adjust_app()

    response = api_for(app).post("events/", ios_event(app, revenue="0.0001", currency="USD"))

    assert response.status_code == 400
    assert "revenue" in response.json()


def test_adjust_revenue_above_100_billion_is_refused():
    """partners.md §3 Revenue: "max 100,000,000,000"."""
    app = _adjust_app()

    response = api_for(app).post("events/", ios_event(app, revenue="100000000001", currency="USD"))

    assert response.status_code == 400


def test_adjust_revenue_needs_a_currency():
    """partners.md §3 Revenue: "with `currency` (ISO 4217)"."""
    app = _adjust_app()

    response = api_for(app).post("events/", ios_event(app, revenue="4.99"))

    assert response.status_code == 400
    assert "currency" in response.json()


def test_adjust_revenue_rules_do_not_apply_to_events_outside_its_event_map():
    app = _adjust_app()

    response = api_for(app).post(
        "events/", ios_event(app, event_name="refund", revenue="-4.99", currency="USD")
    )

    assert response.status_code == 202


def test_adjust_events_need_a_device_id():
    """partners.md §3 Always: "and device ids: preferred idfa, gps_adid, ... backup idfv,
    android_id; adid"."""
    app = _adjust_app()
    payload = ios_event(app)
    del payload["idfa"]

    response = api_for(app).post("events/", payload)

    assert response.status_code == 400


def test_adjust_events_older_than_58_days_are_accepted_but_not_sent_to_adjust():
    """partners.md §3 Ordering: "Events older than 58 days are rejected: do not send them; mark
    them failed with that reason". The record still goes to the app's other partners."""
    app = _adjust_app()
    AppsFlyerConfigFactory(app=app)
    old = (timezone.now() - timedelta(days=59)).isoformat()

    response = api_for(app).post("events/", ios_event(app, occurred_at=old))

    assert response.status_code == 202
    adjust = Delivery.objects.get(destination="adjust")
    assert (adjust.status, "58 days" in adjust.last_error) == ("failed", True)
    assert Delivery.objects.get(destination="appsflyer_event").status == "pending"


def test_adjust_ipv6_address_is_a_warning():
    """partners.md §3 Recommended: "ip_address (IPv4 only: an IPv6 address is left out)"."""
    app = _adjust_app()

    response = api_for(app).post("events/", ios_event(app, ip="2001:db8::1"))

    assert response.status_code == 202
    assert "adjust_ipv6" in _codes(response)


def test_kochava_apps_need_a_device_id():
    """partners.md §2 Body: "device_ids (object; at least one of idfa, idfv, adid (Android
    advertising id), android_id, custom)"."""
    app = KochavaConfigFactory().app

    response = api_for(app).post("installs/", {"app": app.pk, "att_status": 3})

    assert response.status_code == 400
    assert "idfa" in response.json()


def test_kochava_takes_an_idfv_alone():
    app = KochavaConfigFactory().app

    response = api_for(app).post("installs/", {"app": app.pk, "idfv": IDFA, "att_status": 3})

    assert response.status_code == 202


@pytest.mark.parametrize("field", ["gps_adid", "fire_adid"])
def test_android_device_ids_on_an_ios_app_are_refused(field):
    app = IosAppFactory()

    response = api_for(app).post("installs/", {"app": app.pk, field: GAID})

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("field", ["idfa", "idfv"])
def test_ios_device_ids_on_an_android_app_are_refused(field):
    app = AndroidAppFactory()

    response = api_for(app).post("installs/", {"app": app.pk, field: IDFA})

    assert response.status_code == 400
    assert field in response.json()


def test_ios_14_install_without_att_is_accepted_with_a_warning():
    """partners.md §2: "iOS 14+ installs and events must carry the App Tracking Transparency
    answer ... the product must warn (at ingestion, in the response) when an iOS 14+ record
    lacks it"."""
    app = IosAppFactory()

    response = api_for(app).post("installs/", {"app": app.pk, "idfa": IDFA, "os_version": "14.5"})

    assert response.status_code == 202
    assert "att_missing" in _codes(response)


def test_ios_13_install_without_att_has_no_att_warning():
    app = IosAppFactory()

    response = api_for(app).post("installs/", {"app": app.pk, "idfa": IDFA, "os_version": "13.7"})

    assert "att_missing" not in _codes(response)


def test_an_ad_services_token_older_than_24_hours_is_a_warning():
    """partners.md §2 Apple Search Ads: "it is valid 24 hours after it was made. Warn when an
    install carries a token older than that"."""
    app = IosAppFactory()
    made = (timezone.now() - timedelta(hours=25)).isoformat()

    response = api_for(app).post(
        "installs/",
        {
            "app": app.pk,
            "idfa": IDFA,
            "att_status": 3,
            "ad_services_token": "eyJ0b2tlbiI6ImFiYyJ9",
            "ad_services_token_created_at": made,
        },
    )

    assert response.status_code == 202
    assert "ad_services_token_expired" in _codes(response)
    assert Event.objects.get().ad_services_token == "eyJ0b2tlbiI6ImFiYyJ9"


def test_a_fresh_ad_services_token_has_no_warning():
    app = IosAppFactory()
    made = (timezone.now() - timedelta(hours=1)).isoformat()

    response = api_for(app).post(
        "installs/",
        {
            "app": app.pk,
            "idfa": IDFA,
            "att_status": 3,
            "ad_services_token": "eyJ0b2tlbiI6ImFiYyJ9",
            "ad_services_token_created_at": made,
        },
    )

    assert response.json()["warnings"] == []


@pytest.mark.parametrize("idfa", [None, "00000000-0000-0000-0000-000000000000"])
def test_no_advertising_id_is_a_warning(idfa):
    app = IosAppFactory()
    payload = {"app": app.pk, "idfv": IDFA, "att_status": 2}
    if idfa:
        payload["idfa"] = idfa

    response = api_for(app).post("installs/", payload)

    assert "no_advertising_id" in _codes(response)


def test_appsflyer_events_without_user_agent_or_ip_warn_about_meta():
    """partners.md §5: "Meta (metaweb_int) needs ua and ip ...: warn when missing"."""
    app = AppsFlyerConfigFactory().app
    payload = ios_event(app)
    del payload["user_agent"]

    response = api_for(app).post("events/", payload)

    assert response.status_code == 202
    assert "appsflyer_meta" in _codes(response)


def test_appsflyer_ios_events_without_os_version_warn():
    """partners.md §5: "os (the OS version ...) mandatory for iOS: without it AppsFlyer assumes
    14.5"."""
    app = AppsFlyerConfigFactory().app
    payload = ios_event(app)
    del payload["os_version"]

    response = api_for(app).post("events/", payload)

    assert "appsflyer_os_version" in _codes(response)
