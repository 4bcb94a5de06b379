import pytest
import responses

from partners.models import Callback, CallbackKind, Platform
from tests.factories import (
    AndroidAppFactory,
    CallbackFactory,
    CallbackTemplateFactory,
    IosAppFactory,
)

pytestmark = pytest.mark.django_db


def ios_bundle_template(**kwargs):
    return CallbackTemplateFactory(
        name=kwargs.pop("name", "Network X iOS Click"),
        url_template="https://t.example/serve?site_id={site_id}&ios_ifa={idfa}&bundle={bundle}",
        prompted_fields=[
            {"name": "site_id", "label": "Site id"},
            {"name": "bundle", "label": "Bundle id"},
        ],
        **kwargs,
    )


def click_form(template, **overrides):
    data = {
        "name": "Tune clicks",
        "description": "Clicks of the iOS game",
        "kind": template.kind,
        "platform": template.platform,
        "template": template.pk,
        "value_site_id": "1234",
        "value_bundle": "com.example.space",
    }
    return data | overrides


def test_the_callbacks_panel_lists_each_callback_with_its_on_off_state(as_marketer):
    CallbackFactory(name="Adjust clicks", enabled=True)
    CallbackFactory(name="Tune views", enabled=False)

    html = as_marketer.get("/callbacks/").content.decode()

    assert 'data-callback="Adjust clicks"' in html and ">ON<" in html
    assert 'data-callback="Tune views"' in html and ">OFF<" in html


def test_the_template_dropdown_offers_only_the_chosen_kind_and_platform(as_marketer):
    """partners.md section 1: "only the ones matching the app's platform may be offered"."""
    ios_click = ios_bundle_template()
    CallbackTemplateFactory(name="Net Android Click", platform=Platform.ANDROID)
    CallbackTemplateFactory(name="Net iOS View", kind=CallbackKind.VIEW)

    response = as_marketer.post("/callbacks/form-part/", {"kind": "click", "platform": "ios"})

    offered = list(response.context["form"].fields["template"].queryset)
    assert ios_click in offered
    assert all(t.kind == "click" and t.platform == "ios" for t in offered)
    assert b"Net Android Click" not in response.content


def test_choosing_a_template_prompts_for_its_values(as_marketer):
    template = ios_bundle_template()

    response = as_marketer.post(
        "/callbacks/form-part/", {"kind": "click", "platform": "ios", "template": template.pk}
    )

    assert b'name="value_site_id"' in response.content
    assert b'name="value_bundle"' in response.content


def test_the_preview_renders_the_url_with_example_values_and_encodes_typed_ones(as_marketer):
    """partners.md section 1, Firing: macros "each URL-encoded"."""
    template = ios_bundle_template()

    response = as_marketer.post(
        "/callbacks/preview/",
        {"kind": "click", "platform": "ios", "template": template.pk, "value_site_id": "a b&c"},
    )

    html = response.content.decode()
    assert "site_id=a%20b%26c" in html
    assert "ios_ifa=11110111-2345-6789-1122-000000005678" in html


def test_saving_a_click_callback_stores_its_prompted_values(as_marketer):
    template = ios_bundle_template()

    response = as_marketer.post("/callbacks/new/", click_form(template, enabled="on"))

    assert response.status_code == 302
    callback = Callback.objects.get(name="Tune clicks")
    assert callback.values == {"site_id": "1234", "bundle": "com.example.space"}
    assert callback.enabled is True


def test_a_missing_prompted_value_is_an_error_on_its_field_and_keeps_the_rest(as_marketer):
    template = ios_bundle_template()

    response = as_marketer.post("/callbacks/new/", click_form(template, value_bundle=""))

    assert response.status_code == 400
    assert response.context["form"].errors["value_bundle"]
    assert b'value="1234"' in response.content
    assert b'value="Tune clicks"' in response.content
    assert not Callback.objects.exists()


def test_a_template_of_another_kind_than_chosen_is_refused(as_marketer):
    view_template = CallbackTemplateFactory(kind=CallbackKind.VIEW)

    response = as_marketer.post(
        "/callbacks/new/",
        {"name": "x", "kind": "click", "platform": "ios", "template": view_template.pk},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["template"]


def test_a_completed_view_callback_is_ticked_for_the_chosen_apps(as_marketer):
    """partners.md section 1, VTA: "tick the View column for each app"."""
    template = CallbackTemplateFactory(kind=CallbackKind.VIEW, name="Network X iOS Completed View")
    first, second, _ = IosAppFactory(), IosAppFactory(), IosAppFactory()

    as_marketer.post(
        "/callbacks/new/",
        {
            "name": "Tune views",
            "kind": "view",
            "platform": "ios",
            "template": template.pk,
            "value_tracker_token": "abc123",
            "view_apps": [first.pk, second.pk],
            "enabled": "on",
        },
    )

    callback = Callback.objects.get(name="Tune views")
    assert set(callback.view_apps.all()) == {first, second}


def test_an_app_of_another_platform_cannot_be_ticked_for_a_completed_view_callback(as_marketer):
    template = CallbackTemplateFactory(kind=CallbackKind.VIEW)
    android = AndroidAppFactory(name="Droid Game")

    response = as_marketer.post(
        "/callbacks/new/",
        {
            "name": "Views",
            "kind": "view",
            "platform": "ios",
            "template": template.pk,
            "value_tracker_token": "abc123",
            "view_apps": [android.pk],
        },
    )

    assert response.status_code == 400
    assert "Droid Game" in " ".join(response.context["form"].errors["view_apps"])
    assert f'value="{android.pk}" aria-label="View Droid Game" checked'.encode() in (
        response.content
    )
    assert not Callback.objects.exists()


def test_editing_a_callback_switches_it_off(as_marketer):
    callback = CallbackFactory(enabled=True)
    template = callback.template

    as_marketer.post(
        f"/callbacks/{callback.pk}/edit/",
        {
            "name": callback.name,
            "kind": template.kind,
            "platform": template.platform,
            "template": template.pk,
            "value_tracker_token": "abc123",
        },
    )

    callback.refresh_from_db()
    assert callback.enabled is False


def test_send_test_fires_the_callback_once_and_shows_the_status_and_answer(as_marketer, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    template = CallbackTemplateFactory(url_template="http://127.0.0.1:9/cb?t={tracker_token}")
    callback = CallbackFactory(template=template, values={"tracker_token": "abc123"})

    with responses.RequestsMock() as transport:
        transport.get("http://127.0.0.1:9/cb?t=abc123", status=202, body="queued")
        response = as_marketer.post(
            f"/callbacks/{callback.pk}/test/", headers={"HX-Request": "true"}
        )

        assert len(transport.calls) == 1
    html = response.content.decode()
    assert 'data-testid="test-status">202<' in html
    assert "queued" in html


def test_send_test_goes_through_the_outbound_guard(as_marketer, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    template = CallbackTemplateFactory(url_template="http://10.1.2.3/cb?t={tracker_token}")
    callback = CallbackFactory(template=template)

    with responses.RequestsMock() as transport:
        response = as_marketer.post(f"/callbacks/{callback.pk}/test/")

        assert len(transport.calls) == 0
    assert b"Not sent" in response.content


def test_send_test_without_javascript_shows_the_result_above_the_list(as_marketer, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    template = CallbackTemplateFactory(url_template="http://127.0.0.1:9/cb?t={tracker_token}")
    callback = CallbackFactory(name="Plain clicks", template=template)

    with responses.RequestsMock() as transport:
        transport.get("http://127.0.0.1:9/cb?t=abc123", status=200, body="ok")
        response = as_marketer.post(f"/callbacks/{callback.pk}/test/")

    html = response.content.decode()
    assert "Send test: Plain clicks" in html
    assert 'data-callback="Plain clicks"' in html
