from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import ApprovalGround, TrackingMode
from campaigns.services import app_click_callback_set, app_s2s_approve, app_s2s_request
from tests.factories import (
    CallbackFactory,
    CallbackTemplateFactory,
    IosAppFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_s2s_request_records_who_asked_and_when():
    app, marketer = IosAppFactory(), UserFactory()

    app_s2s_request(app=app, user=marketer)

    app.refresh_from_db()
    assert app.s2s_requested_by == marketer
    assert app.s2s_requested_at is not None
    assert app.s2s_status == "S2S requested"


def test_s2s_approval_by_account_manager_switches_tracking_and_records_approver():
    """partners.md section 1: "Record who approved it and when"; SDK billing lasts 21 days."""
    app, marketer, manager = IosAppFactory(), UserFactory(), UserFactory()
    app_s2s_request(app=app, user=marketer)

    app_s2s_approve(app=app, user=manager, ground=ApprovalGround.ACCOUNT_MANAGER)

    app.refresh_from_db()
    assert app.tracking_mode == TrackingMode.S2S
    assert app.s2s_approved_by == manager
    assert app.sdk_billing_until == app.s2s_approved_at + timedelta(days=21)


def test_s2s_approval_by_a_deposit_under_5000_dollars_is_refused():
    """partners.md section 1: "a first deposit of at least $5,000"."""
    app = IosAppFactory()
    app_s2s_request(app=app, user=UserFactory())

    with pytest.raises(ValidationError) as refused:
        app_s2s_approve(
            app=app,
            user=UserFactory(),
            ground=ApprovalGround.DEPOSIT,
            deposit_amount=Decimal("4999.99"),
        )

    assert refused.value.message_dict == {
        "s2s_deposit_amount": ["S2S approval by deposit needs a deposit of at least $5,000."]
    }
    app.refresh_from_db()
    assert app.s2s_approved_at is None and app.tracking_mode == TrackingMode.SDK


def test_s2s_approval_by_a_deposit_of_5000_dollars_is_accepted():
    app = IosAppFactory()
    app_s2s_request(app=app, user=UserFactory())

    app_s2s_approve(
        app=app, user=UserFactory(), ground=ApprovalGround.DEPOSIT, deposit_amount=Decimal("5000")
    )

    app.refresh_from_db()
    assert app.s2s_deposit_amount == Decimal("5000")


def test_s2s_approval_without_a_request_is_refused():
    app = IosAppFactory()

    with pytest.raises(ValidationError) as refused:
        app_s2s_approve(app=app, user=UserFactory(), ground=ApprovalGround.ACCOUNT_MANAGER)

    assert "s2s_requested_at" in refused.value.message_dict


def test_click_callback_of_the_app_platform_is_attached():
    app, callback = IosAppFactory(), CallbackFactory()

    app_click_callback_set(app=app, callback=callback)

    app.refresh_from_db()
    assert app.click_callback == callback


def test_click_callback_with_a_template_of_another_platform_is_refused():
    """partners.md section 1: "only the ones matching the app's platform may be offered"."""
    app = IosAppFactory()
    callback = CallbackFactory(template=CallbackTemplateFactory(platform="android"))

    with pytest.raises(ValidationError) as refused:
        app_click_callback_set(app=app, callback=callback)

    assert refused.value.message_dict == {
        "click_callback": ["This callback's template is for Android, the app is iOS."]
    }
    app.refresh_from_db()
    assert app.click_callback is None


def test_a_completed_view_callback_cannot_be_the_click_callback():
    app = IosAppFactory()
    callback = CallbackFactory(template=CallbackTemplateFactory(kind="view"))

    with pytest.raises(ValidationError) as refused:
        app_click_callback_set(app=app, callback=callback)

    assert "click_callback" in refused.value.message_dict
