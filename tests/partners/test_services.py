import pytest
from django.core.exceptions import ValidationError

from partners.models import AdjustAuthToken
from partners.services import (
    adjust_auth_set,
    adjust_token_create,
    adjust_token_delete,
    adjust_token_recover,
    callback_save,
    callback_view_apps_set,
)
from tests.factories import (
    AdjustAuthTokenFactory,
    AdjustConfigFactory,
    AndroidAppFactory,
    CallbackFactory,
    CallbackTemplateFactory,
    IosAppFactory,
)

pytestmark = pytest.mark.django_db


def test_adjust_token_create_returns_a_32_character_secret_shown_once():
    config = AdjustConfigFactory()

    token, secret = adjust_token_create(config=config, name="server")

    assert len(secret) == 32 and secret.isalnum()
    assert AdjustAuthToken.objects.get(pk=token.pk).secret == secret
    assert token.is_live


def test_deleting_the_last_live_adjust_token_switches_authentication_off():
    """partners.md section 3, Auth: "Deleting the only valid token switches authentication off
    automatically, so traffic is never all rejected."
    """
    config = AdjustConfigFactory(auth_active=True)
    token = AdjustAuthTokenFactory(config=config)

    adjust_token_delete(token=token)

    config.refresh_from_db()
    token.refresh_from_db()
    assert token.deleted_at is not None
    assert config.auth_active is False


def test_deleting_one_of_two_live_adjust_tokens_keeps_authentication_on():
    """partners.md section 3, Auth: "Several tokens may be live at once (rotation)."."""
    config = AdjustConfigFactory(auth_active=True)
    old, new = AdjustAuthTokenFactory(config=config), AdjustAuthTokenFactory(config=config)

    adjust_token_delete(token=old)

    config.refresh_from_db()
    assert config.auth_active is True
    assert list(config.live_tokens()) == [new]


def test_recover_brings_a_deleted_adjust_token_back_and_authentication_can_be_activated_again():
    """partners.md section 3, Auth: "Delete removes a token at once; Recover brings it back."."""
    config = AdjustConfigFactory(auth_active=True)
    token = AdjustAuthTokenFactory(config=config)
    adjust_token_delete(token=token)

    adjust_token_recover(token=token)
    adjust_auth_set(config=config, active=True)

    token.refresh_from_db()
    config.refresh_from_db()
    assert token.is_live
    assert config.auth_active is True


def test_recovering_the_token_whose_deletion_switched_authentication_off_switches_it_on_again():
    """partners.md section 3, Auth: deleting the only valid token switches authentication off;
    Recover undoes the delete, authentication included."""
    config = AdjustConfigFactory(auth_active=True)
    token = AdjustAuthTokenFactory(config=config)
    adjust_token_delete(token=token)

    reactivated = adjust_token_recover(token=token)

    config.refresh_from_db()
    assert reactivated is True
    assert config.auth_active is True
    assert config.auth_switched_off_by is None


def test_recover_leaves_authentication_off_when_it_was_switched_off_by_hand_since():
    config = AdjustConfigFactory(auth_active=True)
    token = AdjustAuthTokenFactory(config=config)
    adjust_token_delete(token=token)
    adjust_auth_set(config=config, active=False)

    reactivated = adjust_token_recover(token=token)

    config.refresh_from_db()
    assert reactivated is False
    assert config.auth_active is False


def test_recover_of_a_token_that_did_not_switch_authentication_off_changes_nothing_else():
    config = AdjustConfigFactory(auth_active=False)
    token = AdjustAuthTokenFactory(config=config)
    adjust_token_delete(token=token)

    reactivated = adjust_token_recover(token=token)

    config.refresh_from_db()
    assert reactivated is False
    assert config.auth_active is False


def test_activating_adjust_authentication_without_a_live_token_is_refused():
    config = AdjustConfigFactory(auth_active=False)
    adjust_token_delete(token=AdjustAuthTokenFactory(config=config))

    with pytest.raises(ValidationError) as refused:
        adjust_auth_set(config=config, active=True)

    assert "auth_active" in refused.value.message_dict
    config.refresh_from_db()
    assert config.auth_active is False


def test_callback_save_refuses_a_callback_missing_a_prompted_value():
    callback = CallbackFactory.build(template=CallbackTemplateFactory(), values={})

    with pytest.raises(ValidationError) as refused:
        callback_save(callback=callback)

    assert refused.value.message_dict == {"values": ["Fill in: Tracker token."]}
    assert callback.pk is None


def test_callback_save_refuses_a_template_change_that_breaks_an_app_click_attachment():
    callback = CallbackFactory()
    IosAppFactory(click_callback=callback)
    callback.template = CallbackTemplateFactory(platform="android")

    with pytest.raises(ValidationError) as refused:
        callback_save(callback=callback)

    assert "template" in refused.value.message_dict


def test_view_apps_of_a_completed_view_callback_must_match_its_template_platform():
    """partners.md section 1: templates exist per OS platform; only matching ones may be
    offered for an app."""
    callback = CallbackFactory(template=CallbackTemplateFactory(kind="view", platform="ios"))
    ios_app, android_app = IosAppFactory(), AndroidAppFactory()

    with pytest.raises(ValidationError) as refused:
        callback_view_apps_set(callback=callback, apps=[ios_app, android_app])

    assert "view_apps" in refused.value.message_dict
    assert android_app.name in refused.value.message_dict["view_apps"][0]
    assert list(callback.view_apps.all()) == []


def test_view_apps_are_set_for_a_completed_view_callback_of_the_app_platform():
    callback = CallbackFactory(template=CallbackTemplateFactory(kind="view", platform="ios"))
    ios_app = IosAppFactory()

    callback_save(callback=callback, view_apps=[ios_app])

    assert list(callback.view_apps.all()) == [ios_app]


def test_adjust_token_create_stores_a_token_pasted_from_adjusts_dashboard():
    """partners.md section 3, Auth: "Tokens are created named in the dashboard ... copied once"."""
    config = AdjustConfigFactory()

    token, secret = adjust_token_create(config=config, name="from Adjust", secret=" pasted123 ")

    assert secret == "pasted123"
    assert AdjustAuthToken.objects.get(pk=token.pk).secret == "pasted123"
