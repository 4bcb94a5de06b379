import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from partners.models import AdjustAuthToken, AppsFlyerConfig
from tests.factories import (
    AdjustAuthTokenFactory,
    AdjustConfigFactory,
    AndroidAppFactory,
    AppsFlyerConfigFactory,
    CallbackTemplateFactory,
    IosAppFactory,
    UserFactory,
)
from tracking.fields import mask

pytestmark = pytest.mark.django_db

ADJUST_SECRET = "v8s5opi0zs45607l8h8c48wak2vxb5oe"
APPSFLYER_KEY = "af-s2s-key-0123456789"


def test_the_appsflyer_change_page_shows_the_key_masked_never_in_clear(admin_client):
    config = AppsFlyerConfigFactory(s2s_key=APPSFLYER_KEY)

    page = admin_client.get(reverse("admin:partners_appsflyerconfig_change", args=[config.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert APPSFLYER_KEY not in html
    assert mask(APPSFLYER_KEY) in html


def test_adjust_token_secrets_are_masked_on_the_config_page_and_the_token_list(admin_client):
    token = AdjustAuthTokenFactory(secret=ADJUST_SECRET)

    config_page = admin_client.get(
        reverse("admin:partners_adjustconfig_change", args=[token.config.pk])
    )
    token_list = admin_client.get(reverse("admin:partners_adjustauthtoken_changelist"))
    token_page = admin_client.get(reverse("admin:partners_adjustauthtoken_change", args=[token.pk]))

    for page in (config_page, token_list, token_page):
        assert page.status_code == 200
        assert ADJUST_SECRET not in page.content.decode()
        assert mask(ADJUST_SECRET) in page.content.decode()


def appsflyer_form(config, **changes) -> dict:
    data = {
        "app": config.app.pk,
        "appsflyer_app_id": config.appsflyer_app_id,
        "new_s2s_key": "",
        "post_install_delay_seconds": config.post_install_delay_seconds,
        "click_pid": config.click_pid,
        "click_ref_prefix": config.click_ref_prefix,
    }
    data.update(changes)
    return data


def test_a_new_appsflyer_key_typed_in_the_write_only_field_replaces_the_old_one(admin_client):
    config = AppsFlyerConfigFactory(
        s2s_key=APPSFLYER_KEY, credentials_error="Failed to Authenticate"
    )
    url = reverse("admin:partners_appsflyerconfig_change", args=[config.pk])

    response = admin_client.post(url, appsflyer_form(config, new_s2s_key="new-key-9876"))

    assert response.status_code == 302
    config.refresh_from_db()
    assert config.s2s_key == "new-key-9876"
    assert config.credentials_error == ""


def test_leaving_the_write_only_appsflyer_key_empty_keeps_the_stored_key(admin_client):
    config = AppsFlyerConfigFactory(s2s_key=APPSFLYER_KEY)
    url = reverse("admin:partners_appsflyerconfig_change", args=[config.pk])

    admin_client.post(url, appsflyer_form(config, click_pid="othernetwork"))

    config.refresh_from_db()
    assert config.s2s_key == APPSFLYER_KEY
    assert config.click_pid == "othernetwork"


def test_an_ios_appsflyer_id_without_prefix_is_a_form_error_on_the_field(admin_client):
    config = AppsFlyerConfigFactory(app=IosAppFactory(store_id="123"))
    url = reverse("admin:partners_appsflyerconfig_change", args=[config.pk])

    response = admin_client.post(url, appsflyer_form(config, appsflyer_app_id="123"))

    assert response.status_code == 200
    assert "appsflyer_app_id" in response.context["adminform"].form.errors
    assert AppsFlyerConfig.objects.get(pk=config.pk).appsflyer_app_id == "id123"


def test_the_delete_action_on_the_last_live_adjust_token_switches_authentication_off(admin_client):
    """partners.md section 3, Auth: "Deleting the only valid token switches authentication off
    automatically"."""
    config = AdjustConfigFactory(auth_active=True)
    token = AdjustAuthTokenFactory(config=config)

    admin_client.post(
        reverse("admin:partners_adjustauthtoken_changelist"),
        {"action": "delete_tokens", "_selected_action": [token.pk]},
    )

    config.refresh_from_db()
    assert AdjustAuthToken.objects.get(pk=token.pk).deleted_at is not None
    assert config.auth_active is False


def test_the_recover_action_brings_a_deleted_adjust_token_back(admin_client):
    """partners.md section 3, Auth: "Recover brings it back"."""
    token = AdjustAuthTokenFactory()
    admin_client.post(
        reverse("admin:partners_adjustauthtoken_changelist"),
        {"action": "delete_tokens", "_selected_action": [token.pk]},
    )

    admin_client.post(
        reverse("admin:partners_adjustauthtoken_changelist"),
        {"action": "recover_tokens", "_selected_action": [token.pk]},
    )

    assert AdjustAuthToken.objects.get(pk=token.pk).is_live


def test_the_delete_button_of_a_token_page_keeps_the_row_for_recover(admin_client):
    token = AdjustAuthTokenFactory()

    admin_client.post(
        reverse("admin:partners_adjustauthtoken_delete", args=[token.pk]), {"post": "yes"}
    )

    assert AdjustAuthToken.objects.get(pk=token.pk).deleted_at is not None


def test_adding_an_adjust_token_without_a_secret_generates_one_shown_once(admin_client):
    config = AdjustConfigFactory()

    response = admin_client.post(
        reverse("admin:partners_adjustauthtoken_add"),
        {"config": config.pk, "name": "web servers", "new_secret": ""},
        follow=True,
    )

    token = AdjustAuthToken.objects.get(name="web servers")
    assert len(token.secret) == 32
    assert token.secret in response.content.decode()
    again = admin_client.get(reverse("admin:partners_adjustauthtoken_change", args=[token.pk]))
    assert token.secret not in again.content.decode()


def test_activating_adjust_authentication_without_a_token_is_refused_by_the_action(admin_client):
    config = AdjustConfigFactory()

    response = admin_client.post(
        reverse("admin:partners_adjustconfig_changelist"),
        {"action": "activate_authentication", "_selected_action": [config.pk]},
        follow=True,
    )

    config.refresh_from_db()
    assert config.auth_active is False
    assert "Create (or recover) a token" in response.content.decode()


def test_the_callback_form_refuses_view_apps_of_another_platform(admin_client):
    template = CallbackTemplateFactory(kind="view", platform="ios")
    android = AndroidAppFactory()

    response = admin_client.post(
        reverse("admin:partners_callback_add"),
        {
            "name": "Tune views",
            "description": "",
            "template": template.pk,
            "values": '{"tracker_token": "abc"}',
            "enabled": "on",
            "view_apps": [android.pk],
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["view_apps"]


def test_the_callback_form_ticks_view_apps_of_the_template_platform(admin_client):
    template = CallbackTemplateFactory(kind="view", platform="ios")
    ios = IosAppFactory()

    response = admin_client.post(
        reverse("admin:partners_callback_add"),
        {
            "name": "Tune views",
            "description": "",
            "template": template.pk,
            "values": '{"tracker_token": "abc"}',
            "enabled": "on",
            "view_apps": [ios.pk],
        },
    )

    assert response.status_code == 302
    assert list(ios.view_callbacks.values_list("name", flat=True)) == ["Tune views"]


def test_the_callback_form_names_a_missing_prompted_value(admin_client):
    template = CallbackTemplateFactory()

    response = admin_client.post(
        reverse("admin:partners_callback_add"),
        {"name": "Clicks", "description": "", "template": template.pk, "values": "{}"},
    )

    assert response.context["adminform"].form.errors["values"] == ["Fill in: Tracker token."]


def test_a_token_pasted_into_the_config_page_inline_is_stored_and_not_echoed(admin_client):
    config = AdjustConfigFactory()
    data = {
        "app": config.app.pk,
        "app_token": config.app_token,
        "environment": config.environment,
        "http_method": config.http_method,
        "event_tokens-TOTAL_FORMS": "0",
        "event_tokens-INITIAL_FORMS": "0",
        "auth_tokens-TOTAL_FORMS": "1",
        "auth_tokens-INITIAL_FORMS": "0",
        "auth_tokens-0-name": "from Adjust",
        "auth_tokens-0-new_secret": ADJUST_SECRET,
    }

    response = admin_client.post(
        reverse("admin:partners_adjustconfig_change", args=[config.pk]), data, follow=True
    )

    assert AdjustAuthToken.objects.get(config=config, name="from Adjust").secret == ADJUST_SECRET
    assert ADJUST_SECRET not in response.content.decode()


def test_a_developer_cannot_switch_adjust_authentication(client):
    developer = UserFactory(is_staff=True)
    developer.groups.add(Group.objects.get(name="Developer"))
    client.force_login(developer)
    config = AdjustConfigFactory(auth_active=True)
    AdjustAuthTokenFactory(config=config)

    client.post(
        reverse("admin:partners_adjustconfig_changelist"),
        {"action": "deactivate_authentication", "_selected_action": [config.pk]},
    )

    config.refresh_from_db()
    assert config.auth_active is True
