from urllib.parse import urlsplit

import pytest

from partners.macros import EVENT_MACROS, macros_in, render
from partners.models import CallbackTemplate

pytestmark = pytest.mark.django_db

PARTIES = ("Adjust", "AppsFlyer", "Kochava", "Tune", "Branch", "Singular")


def test_the_library_ships_click_and_completed_view_templates_for_both_platforms_of_each_party():
    """partners.md section 1, Template library: "click and completed view, for both platforms,
    for at least Adjust, AppsFlyer, Kochava, Tune, Branch and Singular"."""
    expected = {
        f"{party} {platform} {kind}"
        for party in PARTIES
        for platform in ("iOS", "Android")
        for kind in ("Click", "Completed View")
    }

    shipped = set(CallbackTemplate.objects.filter(shipped=True).values_list("name", flat=True))

    assert shipped == expected


def test_every_shipped_template_passes_full_clean():
    templates = list(CallbackTemplate.objects.filter(shipped=True))

    for template in templates:
        template.full_clean()
    assert len(templates) == 24


def test_every_shipped_template_prompts_with_a_label_for_each_of_its_own_macros():
    for template in CallbackTemplate.objects.filter(shipped=True):
        assert all(field["label"] for field in template.prompted_fields), template.name
        assert set(template.prompted_names) <= set(macros_in(template.url_template)), template.name


def test_shipped_templates_match_the_platform_device_id():
    """partners.md section 1: Adjust `idfa=..|gps_adid=..` and the like, per platform."""
    for template in CallbackTemplate.objects.filter(shipped=True):
        ids = set(macros_in(template.url_template)) & {"idfa", "gaid"}
        assert ids == ({"idfa"} if template.platform == "ios" else {"gaid"}), template.name


def test_tune_ios_completed_view_has_the_legacy_hasoffers_shape():
    """partners.md section 1: Tune "https://{publisher_id}.api-01.com/serve?...&ios_ifa=..."."""
    template = CallbackTemplate.objects.get(name="Tune iOS Completed View")

    assert template.kind == "view" and template.platform == "ios"
    assert template.url_template.startswith("https://{publisher_id}.api-01.com/serve?")
    assert "ios_ifa={idfa}" in template.url_template


def test_every_shipped_template_renders_to_an_https_url_with_its_values_in_place():
    """partners.md section 1, Firing: macros "each URL-encoded" and the prompted values."""
    event = {name: f"v-{name}" for name in EVENT_MACROS}
    for template in CallbackTemplate.objects.filter(shipped=True):
        values = {name: f"p{index}" for index, name in enumerate(template.prompted_names)}

        url = urlsplit(render(template.url_template, {**event, **values}))

        assert url.scheme == "https" and url.hostname, template.name
        assert "{" not in url.geturl() and "}" not in url.geturl(), template.name
        assert all(value in url.geturl() for value in values.values()), template.name
