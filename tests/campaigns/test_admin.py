import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from campaigns.models import TrackingMode
from tests.factories import (
    CallbackFactory,
    CallbackTemplateFactory,
    IosAppFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def app_form(app, **changes) -> dict:
    data = {
        "name": app.name,
        "platform": app.platform,
        "bundle_id": app.bundle_id,
        "store_id": app.store_id,
        "tracking_mode": app.tracking_mode,
        "attribution_window_days": app.attribution_window_days,
        "view_through_window_hours": app.view_through_window_hours,
        "s2s_approval_ground": "",
        "s2s_deposit_amount": "",
        "click_callback": "",
        "campaigns-TOTAL_FORMS": "0",
        "campaigns-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_an_attribution_window_under_7_days_is_a_form_error_on_the_field(admin_client):
    """partners.md section 1: "never below 7 days: reject a shorter one with a clear message"."""
    app = IosAppFactory()

    response = admin_client.post(
        reverse("admin:campaigns_app_change", args=[app.pk]),
        app_form(app, attribution_window_days=3),
    )

    assert response.context["adminform"].form.errors["attribution_window_days"] == [
        "The attribution window is never below 7 days."
    ]


def test_an_admin_approves_s2s_by_deposit_in_the_app_form(admin_client, admin_user):
    app = IosAppFactory(s2s_requested_at=timezone.now())

    response = admin_client.post(
        reverse("admin:campaigns_app_change", args=[app.pk]),
        app_form(app, s2s_approval_ground="deposit", s2s_deposit_amount="5000"),
    )

    assert response.status_code == 302
    app.refresh_from_db()
    assert app.tracking_mode == TrackingMode.S2S
    assert app.s2s_approved_by == admin_user
    assert app.sdk_billing_until is not None


def test_a_deposit_under_5000_dollars_is_a_form_error_on_the_amount(admin_client):
    """partners.md section 1: "a first deposit of at least $5,000"."""
    app = IosAppFactory(s2s_requested_at=timezone.now())

    response = admin_client.post(
        reverse("admin:campaigns_app_change", args=[app.pk]),
        app_form(app, s2s_approval_ground="deposit", s2s_deposit_amount="4999"),
    )

    assert response.context["adminform"].form.errors["s2s_deposit_amount"] == [
        "S2S approval by deposit needs a deposit of at least $5,000."
    ]
    app.refresh_from_db()
    assert app.s2s_approved_at is None


def test_a_marketer_sees_the_approval_fields_but_cannot_approve(client):
    marketer = UserFactory(is_staff=True)
    marketer.groups.add(Group.objects.get(name="Marketer"))
    client.force_login(marketer)
    app = IosAppFactory(s2s_requested_at=timezone.now())

    client.post(
        reverse("admin:campaigns_app_change", args=[app.pk]),
        app_form(app, s2s_approval_ground="account_manager"),
    )

    app.refresh_from_db()
    assert app.s2s_approved_at is None


def test_the_request_action_records_the_request(admin_client, admin_user):
    app = IosAppFactory()

    admin_client.post(
        reverse("admin:campaigns_app_changelist"),
        {"action": "request_s2s", "_selected_action": [app.pk]},
    )

    app.refresh_from_db()
    assert app.s2s_requested_by == admin_user


def test_advanced_settings_offer_only_click_callbacks_of_the_app_platform(admin_client):
    """partners.md section 1: "only the ones matching the app's platform may be offered"."""
    app = IosAppFactory()
    ios_click = CallbackFactory()
    CallbackFactory(template=CallbackTemplateFactory(platform="android"))
    CallbackFactory(template=CallbackTemplateFactory(kind="view"))

    page = admin_client.get(reverse("admin:campaigns_app_change", args=[app.pk]))

    offered = page.context["adminform"].form.fields["click_callback"].queryset
    assert list(offered) == [ios_click]


def test_a_developer_reads_apps_but_cannot_run_the_request_action(client):
    developer = UserFactory(is_staff=True)
    developer.groups.add(Group.objects.get(name="Developer"))
    client.force_login(developer)
    app = IosAppFactory()

    listing = client.get(reverse("admin:campaigns_app_changelist"))
    client.post(
        reverse("admin:campaigns_app_changelist"),
        {"action": "request_s2s", "_selected_action": [app.pk]},
    )

    assert listing.status_code == 200
    app.refresh_from_db()
    assert app.s2s_requested_at is None


def test_a_marketer_is_not_offered_the_approve_action(client):
    marketer = UserFactory(is_staff=True)
    marketer.groups.add(Group.objects.get(name="Marketer"))
    client.force_login(marketer)
    IosAppFactory()

    listing = client.get(reverse("admin:campaigns_app_changelist"))

    actions = dict(listing.context["action_form"].fields["action"].choices)
    assert "request_s2s" in actions
    assert "approve_s2s_by_account_manager" not in actions
