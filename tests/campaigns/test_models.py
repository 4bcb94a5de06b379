from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import ApprovalGround
from tests.factories import (
    AndroidAppFactory,
    CallbackFactory,
    CallbackTemplateFactory,
    CampaignFactory,
    IosAppFactory,
)
from tests.validation import refusal

pytestmark = pytest.mark.django_db


def test_an_ios_bundle_id_must_be_reverse_dns():
    app = IosAppFactory.build(bundle_id="spacegame")

    assert refusal(app)["bundle_id"] == [
        "An iOS bundle id is reverse-DNS: letters, digits, hyphens and periods, "
        "at least two segments (e.g. com.example.game)."
    ]


def test_an_android_package_segment_cannot_start_with_a_digit_though_ios_allows_it():
    android = AndroidAppFactory.build(bundle_id="com.2example.game")
    ios = IosAppFactory.build(bundle_id="com.2example.game")

    assert refusal(android)["bundle_id"] == [
        "An Android package name has at least two segments, each starting with a letter "
        "and made of letters, digits and underscores (e.g. com.example.game)."
    ]
    ios.full_clean()


def test_an_android_package_cannot_use_a_java_keyword():
    app = AndroidAppFactory.build(bundle_id="com.example.new")

    assert refusal(app)["bundle_id"] == [
        "An Android package name cannot use the Java keyword 'new' as a segment."
    ]


def test_the_same_bundle_id_may_exist_once_per_platform():
    IosAppFactory(bundle_id="com.example.spacegame")
    AndroidAppFactory(bundle_id="com.example.spacegame")

    duplicate = IosAppFactory.build(bundle_id="com.example.spacegame")

    assert "__all__" in refusal(duplicate)


def test_an_attribution_window_under_7_days_is_refused():
    """partners.md section 1: "never below 7 days: reject a shorter one with a clear message"."""
    app = IosAppFactory.build(attribution_window_days=6)

    assert refusal(app)["attribution_window_days"] == [
        "The attribution window is never below 7 days."
    ]


def test_s2s_approval_by_a_deposit_under_5000_dollars_is_refused():
    """partners.md section 1: "a first deposit of at least $5,000"."""
    app = IosAppFactory.build(
        s2s_approved_at=timezone.now(),
        s2s_approval_ground=ApprovalGround.DEPOSIT,
        s2s_deposit_amount=Decimal("4999"),
    )

    assert refusal(app) == {
        "s2s_deposit_amount": ["S2S approval by deposit needs a deposit of at least $5,000."]
    }


def test_s2s_approval_must_say_its_ground():
    app = IosAppFactory.build(s2s_approved_at=timezone.now())

    assert refusal(app) == {"s2s_approval_ground": ["Say on what ground S2S was approved."]}


def test_an_ios_store_id_is_digits_only():
    app = IosAppFactory.build(store_id="id1234567890")

    assert refusal(app) == {"store_id": ["An App Store id is the app's number, digits only."]}


def test_a_click_callback_of_another_platform_is_refused_on_the_app():
    """partners.md section 1: only templates matching the app's platform may be offered."""
    callback = CallbackFactory(template=CallbackTemplateFactory(platform="android"))
    app = IosAppFactory.build(click_callback=callback)

    assert refusal(app) == {
        "click_callback": ["This callback's template is for Android, the app is iOS."]
    }


def test_a_completed_view_callback_is_refused_as_the_click_callback():
    callback = CallbackFactory(template=CallbackTemplateFactory(kind="view"))
    app = IosAppFactory.build(click_callback=callback)

    assert refusal(app) == {"click_callback": ["Only a click callback can be attached to clicks."]}


def test_partner_campaign_ids_are_an_object_of_text():
    campaign = CampaignFactory.build(app=IosAppFactory(), partner_campaign_ids={"adjust": 42})

    assert refusal(campaign) == {
        "partner_campaign_ids": ["Give an object of partner name to campaign id text."]
    }
