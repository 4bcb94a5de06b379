import pytest

from partners.models import AdjustConfig, AppsFlyerConfig, KochavaConfig
from tests.factories import AdjustConfigFactory, AppsFlyerConfigFactory, IosAppFactory

pytestmark = pytest.mark.django_db

EMPTY_EVENT_MAP = {
    "event_map-TOTAL_FORMS": "2",
    "event_map-INITIAL_FORMS": "0",
    "event_map-MIN_NUM_FORMS": "0",
    "event_map-MAX_NUM_FORMS": "1000",
}


def adjust_form(**overrides):
    data = {
        "partner": "adjust",
        "adjust-app_token": "abc123kuvada7",
        "adjust-environment": "sandbox",
        "adjust-http_method": "POST",
        **EMPTY_EVENT_MAP,
        "event_map-0-event_name": "purchase",
        "event_map-0-event_token": "xyzklm",
        "event_map-0-is_revenue": "on",
    }
    return data | overrides


def test_saving_adjust_stores_the_config_and_its_event_map(as_marketer):
    app = IosAppFactory()

    response = as_marketer.post(f"/apps/{app.pk}/partners/", adjust_form())

    assert response.status_code == 302
    config = AdjustConfig.objects.get(app=app)
    assert (config.app_token, config.environment, config.http_method) == (
        "abc123kuvada7",
        "sandbox",
        "POST",
    )
    row = config.event_tokens.get()
    assert (row.event_name, row.event_token, row.is_revenue) == ("purchase", "xyzklm", True)


def test_a_bad_event_token_is_shown_on_its_row_and_nothing_is_saved(as_marketer):
    app = IosAppFactory()

    response = as_marketer.post(
        f"/apps/{app.pk}/partners/", adjust_form(**{"event_map-0-event_token": "xyz-klm"})
    )

    assert response.status_code == 400
    assert response.context["event_map"].forms[0].errors["event_token"]
    assert b'value="xyz-klm"' in response.content
    assert b'value="abc123kuvada7"' in response.content
    assert not AdjustConfig.objects.exists()


def test_an_event_map_row_is_deleted_with_its_checkbox(as_marketer):
    config = AdjustConfigFactory()
    row = config.event_tokens.create(event_name="purchase", event_token="xyzklm")
    data = adjust_form(
        **{
            "event_map-TOTAL_FORMS": "1",
            "event_map-INITIAL_FORMS": "1",
            "event_map-0-id": str(row.pk),
            "event_map-0-DELETE": "on",
        }
    )

    as_marketer.post(f"/apps/{config.app.pk}/partners/", data)

    assert not config.event_tokens.exists()


def test_saving_kochava_stores_the_app_id(as_marketer):
    app = IosAppFactory()

    as_marketer.post(
        f"/apps/{app.pk}/partners/",
        {"partner": "kochava", "kochava-kochava_app_id": "kogamerdna114e9bb3481258"},
    )

    assert KochavaConfig.objects.get(app=app).kochava_app_id == "kogamerdna114e9bb3481258"


def test_an_ios_appsflyer_app_id_without_the_id_prefix_is_refused_on_the_field(as_marketer):
    """partners.md section 1: "`{app_id}` is `id<digits>` for iOS"."""
    app = IosAppFactory()

    response = as_marketer.post(
        f"/apps/{app.pk}/partners/",
        {
            "partner": "appsflyer",
            "appsflyer-appsflyer_app_id": "123456789",
            "appsflyer-s2s_key": "new-key",
            "appsflyer-post_install_delay_seconds": "0",
        },
    )

    assert response.status_code == 400
    assert response.context["appsflyer"].errors["appsflyer_app_id"]
    assert b'value="123456789"' in response.content


def test_the_saved_appsflyer_key_is_never_shown_again(as_marketer):
    config = AppsFlyerConfigFactory(s2s_key="af-s2s-key-0123456789")

    html = as_marketer.get(f"/apps/{config.app.pk}/partners/").content.decode()

    assert "af-s2s-key-0123456789" not in html
    assert "A key is saved (hidden)" in html


def test_a_blank_key_field_keeps_the_saved_key(as_marketer):
    config = AppsFlyerConfigFactory(s2s_key="af-s2s-key-0123456789")

    as_marketer.post(
        f"/apps/{config.app.pk}/partners/",
        {
            "partner": "appsflyer",
            "appsflyer-appsflyer_app_id": config.appsflyer_app_id,
            "appsflyer-s2s_key": "",
            "appsflyer-post_install_delay_seconds": "30",
        },
    )

    config.refresh_from_db()
    assert config.s2s_key == "af-s2s-key-0123456789"
    assert config.post_install_delay_seconds == 30


def test_a_new_key_replaces_the_old_and_clears_the_refusal(as_marketer):
    config = AppsFlyerConfigFactory(credentials_error="401 Unauthorized")

    as_marketer.post(
        f"/apps/{config.app.pk}/partners/",
        {
            "partner": "appsflyer",
            "appsflyer-appsflyer_app_id": config.appsflyer_app_id,
            "appsflyer-s2s_key": "brand-new-key",
            "appsflyer-post_install_delay_seconds": "0",
        },
    )

    config = AppsFlyerConfig.objects.get(pk=config.pk)
    assert (config.s2s_key, config.credentials_error) == ("brand-new-key", "")


def test_a_developer_reads_partner_settings_but_cannot_save_them(as_developer):
    app = IosAppFactory()

    assert as_developer.get(f"/apps/{app.pk}/partners/").status_code == 200
    assert as_developer.post(f"/apps/{app.pk}/partners/", adjust_form()).status_code == 403
