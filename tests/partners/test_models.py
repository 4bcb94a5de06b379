import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    AdjustAuthTokenFactory,
    AdjustConfigFactory,
    AdjustEventTokenFactory,
    AndroidAppFactory,
    AppsFlyerConfigFactory,
    CallbackFactory,
    CallbackTemplateFactory,
    IosAppFactory,
)
from tests.validation import refusal

pytestmark = pytest.mark.django_db


def test_a_callback_missing_a_prompted_value_is_refused_naming_its_label():
    """partners.md section 1: "A template prompts for the extra values its third party needs"."""
    callback = CallbackFactory.build(template=CallbackTemplateFactory(), values={})

    assert refusal(callback) == {"values": ["Fill in: Tracker token."]}


def test_a_callback_with_a_value_its_template_does_not_prompt_for_is_refused():
    callback = CallbackFactory.build(
        template=CallbackTemplateFactory(), values={"tracker_token": "abc", "colour": "red"}
    )

    assert refusal(callback) == {"values": ["This template does not prompt for: colour."]}


def test_a_template_with_an_unknown_macro_is_refused():
    template = CallbackTemplateFactory.build(
        url_template="https://app.adjust.com/{tracker_token}?idfa={idfa}&x={mystery}"
    )

    assert refusal(template) == {
        "url_template": [
            "Unknown macro(s): {mystery}. Use a standard macro or add it to the prompted fields."
        ]
    }


def test_a_template_url_must_be_http():
    template = CallbackTemplateFactory.build(url_template="ftp://example.com/{idfa}")

    assert refusal(template) == {
        "url_template": ["A callback URL starts with https:// or http://."]
    }


def test_a_template_change_that_breaks_the_click_callback_of_an_app_is_refused():
    callback = CallbackFactory()
    IosAppFactory(name="Space Game", click_callback=callback)
    callback.template = CallbackTemplateFactory(platform="android")

    assert refusal(callback) == {
        "template": ["This callback fires for clicks of Space Game, whose platform is not Android."]
    }


def test_view_apps_of_another_platform_are_refused():
    """partners.md section 1: templates exist per OS platform."""
    callback = CallbackFactory(template=CallbackTemplateFactory(kind="view", platform="ios"))
    android = AndroidAppFactory(name="Space Game Android")

    with pytest.raises(ValidationError) as refused:
        callback.validate_view_apps([android])

    assert refused.value.message_dict == {
        "view_apps": ["This template is for iOS: Space Game Android cannot be ticked."]
    }


def test_a_click_callback_has_no_view_column():
    callback = CallbackFactory()

    with pytest.raises(ValidationError) as refused:
        callback.validate_view_apps([IosAppFactory()])

    assert refused.value.message_dict == {
        "view_apps": ["Only completed-view callbacks have a View column."]
    }


def test_an_ios_appsflyer_app_id_needs_the_id_prefix():
    """partners.md section 5: "An iOS id without the `id` prefix gets 200 OK and the event is
    silently dropped: refuse it when the app is configured."
    """
    config = AppsFlyerConfigFactory.build(app=IosAppFactory(store_id="123"), appsflyer_app_id="123")

    assert list(refusal(config)) == ["appsflyer_app_id"]


def test_an_android_appsflyer_app_id_is_the_package_name():
    """partners.md section 5: "Android is the package name"."""
    app = AndroidAppFactory(bundle_id="com.example.spacegame")
    config = AppsFlyerConfigFactory.build(app=app, appsflyer_app_id="com.example.other")

    assert refusal(config) == {
        "appsflyer_app_id": ["An Android AppsFlyer app id is the app's package name."]
    }


def test_adjust_authentication_cannot_be_active_without_a_live_token():
    """partners.md section 3, Auth: deleting the only valid token switches authentication off,
    "so traffic is never all rejected"."""
    config = AdjustConfigFactory()
    config.auth_active = True

    assert list(refusal(config)) == ["auth_active"]


def test_adjust_authentication_may_be_active_with_a_live_token():
    config = AdjustConfigFactory()
    AdjustAuthTokenFactory(config=config)
    config.auth_active = True

    config.full_clean()


def test_an_adjust_event_token_is_letters_and_digits():
    token = AdjustEventTokenFactory.build(config=AdjustConfigFactory(), event_token="abc-12")

    assert refusal(token) == {"event_token": ["An Adjust event token is letters and digits."]}
