import pytest
from django.utils import timezone

from campaigns.models import ApprovalGround
from partners.models import CallbackKind, Platform
from tests.factories import (
    AndroidAppFactory,
    CallbackFactory,
    CallbackTemplateFactory,
    IosAppFactory,
)

pytestmark = pytest.mark.django_db

VALID_APP = {
    "name": "Space Game",
    "platform": "ios",
    "bundle_id": "com.example.space",
    "store_id": "123456789",
    "attribution_window_days": "7",
    "view_through_window_hours": "24",
}


def test_apps_are_listed_with_their_s2s_status(as_marketer):
    IosAppFactory(name="Rocket Rush", s2s_requested_at=timezone.now())

    response = as_marketer.get("/apps/")

    assert b"Rocket Rush" in response.content
    assert b"S2S requested" in response.content


def test_creating_an_app_opens_its_page(as_marketer):
    response = as_marketer.post("/apps/new/", VALID_APP, follow=True)

    assert response.status_code == 200
    assert b"<h1>Space Game</h1>" in response.content


def test_an_android_style_bundle_id_problem_is_shown_on_the_field_and_keeps_the_input(
    as_marketer,
):
    response = as_marketer.post("/apps/new/", VALID_APP | {"store_id": "not-digits"})

    assert response.status_code == 400
    assert response.context["form"].errors["store_id"] == [
        "An App Store id is the app's number, digits only."
    ]
    assert b'value="not-digits"' in response.content
    assert b'value="Space Game"' in response.content


def test_an_attribution_window_under_7_days_is_refused_on_the_field(as_marketer):
    """partners.md section 1, Attribution window: "never below 7 days: reject a shorter one"."""
    response = as_marketer.post("/apps/new/", VALID_APP | {"attribution_window_days": "6"})

    assert response.status_code == 400
    assert "attribution_window_days" in response.context["form"].errors
    assert b'value="6"' in response.content


def test_advanced_settings_offer_only_click_callbacks_of_the_apps_platform(as_marketer):
    """partners.md section 1, Click callbacks: "only the ones matching the app's platform"."""
    app = IosAppFactory()
    ios_click = CallbackFactory(name="iOS clicks")
    CallbackFactory(name="Android clicks", template=CallbackTemplateFactory(platform="android"))
    CallbackFactory(name="iOS views", template=CallbackTemplateFactory(kind=CallbackKind.VIEW))

    response = as_marketer.get(f"/apps/{app.pk}/")

    offered = list(response.context["advanced_form"].fields["click_callback"].queryset)
    assert offered == [ios_click]


def test_saving_advanced_settings_attaches_the_click_callback(as_marketer):
    app = IosAppFactory()
    callback = CallbackFactory()

    response = as_marketer.post(f"/apps/{app.pk}/advanced/", {"click_callback": callback.pk})

    assert response.status_code == 302
    app.refresh_from_db()
    assert app.click_callback == callback


def test_a_callback_of_the_other_platform_is_refused_on_the_dropdown(as_marketer):
    app = IosAppFactory()
    android = CallbackFactory(template=CallbackTemplateFactory(platform=Platform.ANDROID))

    response = as_marketer.post(f"/apps/{app.pk}/advanced/", {"click_callback": android.pk})

    assert response.status_code == 400
    assert response.context["advanced_form"].errors["click_callback"]
    app.refresh_from_db()
    assert app.click_callback is None


def test_a_marketer_requests_s2s_and_the_app_says_requested(as_marketer, marketer):
    app = AndroidAppFactory()

    as_marketer.post(f"/apps/{app.pk}/s2s/request/")

    app.refresh_from_db()
    assert app.s2s_requested_by == marketer
    assert b">S2S requested<" in as_marketer.get(f"/apps/{app.pk}/").content


def test_a_marketer_cannot_approve_s2s(as_marketer):
    app = IosAppFactory(s2s_requested_at=timezone.now())

    response = as_marketer.post(
        f"/apps/{app.pk}/s2s/approve/", {"ground": ApprovalGround.ACCOUNT_MANAGER}
    )

    assert response.status_code == 403


def test_approval_by_a_deposit_under_5000_dollars_is_refused_on_the_deposit_field(as_admin):
    """partners.md section 1: "a first deposit of at least $5,000"."""
    app = IosAppFactory(s2s_requested_at=timezone.now())

    response = as_admin.post(
        f"/apps/{app.pk}/s2s/approve/",
        {"ground": ApprovalGround.DEPOSIT, "deposit_amount": "4999.99"},
    )

    assert response.status_code == 400
    assert response.context["approval_form"].errors["deposit_amount"]
    assert b'value="4999.99"' in response.content


def test_an_approved_app_shows_who_approved_it_and_the_sdk_billing_date(as_admin):
    """partners.md section 1: "Record who approved it and when ... show that date on the app"."""
    app = IosAppFactory(s2s_requested_at=timezone.now())

    response = as_admin.post(
        f"/apps/{app.pk}/s2s/approve/",
        {"ground": ApprovalGround.DEPOSIT, "deposit_amount": "5000"},
        follow=True,
    )

    app.refresh_from_db()
    assert b">S2S approved<" in response.content
    assert b"by ada.admin" in response.content
    billing = f'data-testid="sdk-billing-until">{app.sdk_billing_until:%Y-%m-%d}<'
    assert billing.encode() in response.content
