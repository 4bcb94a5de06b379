"""Adjust S2S Security (partners.md section 1 flows; partner-docs/adjust-s2s-events.txt)."""

import pytest

from tests.factories import AdjustAuthTokenFactory, AdjustConfigFactory, IosAppFactory

pytestmark = pytest.mark.django_db


def page(config) -> str:
    return f"/apps/{config.app.pk}/adjust-security/"


def test_a_created_token_is_shown_once_with_a_copy_button(as_admin):
    config = AdjustConfigFactory()

    response = as_admin.post(page(config) + "tokens/", {"name": "game server"})

    secret = config.auth_tokens.get().secret
    assert f'data-testid="new-secret">{secret}<'.encode() in response.content
    assert b'data-copy="new-secret"' in response.content
    assert secret.encode() not in as_admin.get(page(config)).content


def test_a_token_needs_a_name(as_admin):
    config = AdjustConfigFactory()

    response = as_admin.post(page(config) + "tokens/", {"name": ""})

    assert response.status_code == 400
    assert response.context["create_form"].errors["name"]
    assert not config.auth_tokens.exists()


def test_deleting_and_recovering_a_token(as_admin):
    token = AdjustAuthTokenFactory(name="game server")
    config = token.config

    as_admin.post(page(config) + f"tokens/{token.pk}/delete/")
    token.refresh_from_db()
    assert token.deleted_at is not None

    as_admin.post(page(config) + f"tokens/{token.pk}/recover/")
    token.refresh_from_db()
    assert token.deleted_at is None


def test_activating_authentication_asks_for_confirmation_first(as_admin):
    """adjust-s2s-events.txt, Activate: "Switch the toggle ON. Confirm to proceed"."""
    token = AdjustAuthTokenFactory()
    config = token.config

    response = as_admin.post(page(config) + "auth/", {"active": "on"})

    assert b"Activate S2S authentication?" in response.content
    config.refresh_from_db()
    assert config.auth_active is False

    as_admin.post(page(config) + "auth/", {"active": "on", "confirm": "on"})
    config.refresh_from_db()
    assert config.auth_active is True


def test_authentication_cannot_be_activated_without_a_live_token(as_admin):
    config = AdjustConfigFactory()

    response = as_admin.post(page(config) + "auth/", {"active": "on", "confirm": "on"})

    assert response.status_code == 400
    assert response.context["auth_form"].errors["active"]
    config.refresh_from_db()
    assert config.auth_active is False


def test_deleting_the_last_token_switches_authentication_off_and_says_so(as_admin):
    """partners.md section 3, Auth: deleting the only valid token switches authentication off."""
    config = AdjustConfigFactory()
    token = AdjustAuthTokenFactory(config=config)
    config.auth_active = True
    config.save()

    response = as_admin.post(page(config) + f"tokens/{token.pk}/delete/", follow=True)

    config.refresh_from_db()
    assert config.auth_active is False
    assert b"only live token, so S2S authentication was switched off" in response.content
    assert b'data-testid="auth-state">OFF<' in response.content


def test_an_app_without_adjust_is_asked_to_set_it_up(as_admin):
    app = IosAppFactory()

    response = as_admin.get(f"/apps/{app.pk}/adjust-security/")

    assert b"Adjust is not set up for this app yet." in response.content
