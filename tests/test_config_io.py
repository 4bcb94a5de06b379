import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.config_io import ConfigFileError, config_export, config_import
from campaigns.demo import demo_seed
from campaigns.models import App, ApprovalGround, Campaign
from campaigns.services import app_s2s_approve, app_s2s_request
from partners.models import AdjustConfig, AppsFlyerConfig, Callback, CallbackTemplate
from partners.services import adjust_auth_set
from tests.factories import CallbackTemplateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured():
    """The demo configuration plus what it lacks: an approval, a custom template, active auth."""
    demo_seed(admin_password="demo-admin-pw", marketer_password="demo-marketer-pw")
    ios = App.objects.get(platform="ios")
    app_s2s_request(app=ios, user=UserFactory(username="alice"))
    app_s2s_approve(
        app=ios,
        user=UserFactory(username="bob"),
        ground=ApprovalGround.DEPOSIT,
        deposit_amount=Decimal("7500"),
    )
    CallbackTemplateFactory(name="In-house iOS Click", third_party="other")
    adjust_auth_set(config=AdjustConfig.objects.get(app=ios), active=True)


def wipe_config() -> None:
    Callback.objects.all().delete()
    App.objects.all().delete()
    CallbackTemplate.objects.filter(shipped=False).delete()


def export_json(*args: str) -> dict:
    out = StringIO()
    call_command("export_config", *args, stdout=out)
    return json.loads(out.getvalue())


def test_export_then_import_into_an_empty_database_reproduces_the_same_export(configured, tmp_path):
    path = tmp_path / "config.json"
    call_command("export_config", "--with-secrets", "-o", str(path), stderr=StringIO())
    wipe_config()

    call_command("import_config", str(path), stdout=StringIO())

    assert export_json("--with-secrets") == json.loads(path.read_text())
    assert AdjustConfig.objects.get(app__platform="ios").auth_active is True


def test_importing_the_same_file_twice_is_idempotent(configured, tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(export_json("--with-secrets")))
    rows_before = (App.objects.count(), Campaign.objects.count(), Callback.objects.count())

    call_command("import_config", str(path), stdout=StringIO())
    call_command("import_config", str(path), stdout=StringIO())

    assert (App.objects.count(), Campaign.objects.count(), Callback.objects.count()) == rows_before
    assert export_json("--with-secrets") == json.loads(path.read_text())


def test_export_leaves_secrets_and_shipped_templates_out_unless_asked(configured):
    exported = export_json()

    text = json.dumps(exported)
    assert "auth_tokens" not in text and "s2s_key" not in text
    assert [t["name"] for t in exported["callback_templates"]] == ["In-house iOS Click"]
    assert AppsFlyerConfig.objects.first().s2s_key not in text


def test_a_file_with_one_bad_row_changes_nothing_and_names_the_row(configured):
    data = config_export(with_secrets=True)
    data["apps"][0]["name"] = "Renamed"
    data["apps"].append({"platform": "ios", "bundle_id": "space game", "name": "Bad"})

    with pytest.raises(ConfigFileError) as refused:
        config_import(data=data)

    assert refused.value.errors == [
        "apps[2].bundle_id: An iOS bundle id is reverse-DNS: letters, digits, hyphens and "
        "periods, at least two segments (e.g. com.example.game)."
    ]
    assert not App.objects.filter(name="Renamed").exists()


def test_every_error_of_a_file_is_reported_with_its_place(configured):
    data = config_export()
    data["apps"][1]["attribution_window_days"] = 3
    data["callbacks"][0]["values"] = {}
    data["adjust"][0]["event_map"][0]["event_token"] = "not a token"
    data["kochava"][0]["app"] = {"platform": "ios", "bundle_id": "com.example.missing"}
    data["appsflyer"][0]["colour"] = "red"

    with pytest.raises(ConfigFileError) as refused:
        config_import(data=data)

    assert refused.value.errors == [
        "apps[1].attribution_window_days: The attribution window is never below 7 days.",
        "callbacks[0].values: Fill in: Adjust tracker token.",
        "adjust[0].event_map[0].event_token: An Adjust event token is letters and digits.",
        "kochava[0].app: no ios app with bundle id 'com.example.missing'.",
        "appsflyer[0].colour: unknown field.",
    ]


def test_import_config_command_prints_each_error_and_fails(configured, tmp_path):
    data = config_export()
    data["callbacks"][1]["template"] = "No Such Template"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    err = StringIO()

    with pytest.raises(CommandError, match="1 error\\(s\\); nothing was changed"):
        call_command("import_config", str(path), stderr=err)

    assert "callbacks[1].template: no callback template named 'No Such Template'." in err.getvalue()


def test_import_config_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{apps: ")

    with pytest.raises(CommandError, match="not JSON"):
        call_command("import_config", str(path))


def test_a_view_app_of_the_wrong_platform_is_refused_in_a_file(configured):
    data = config_export()
    view = next(c for c in data["callbacks"] if c["template"] == "Tune iOS Completed View")
    view["view_apps"].append({"platform": "android", "bundle_id": "com.example.spacegame"})

    with pytest.raises(ConfigFileError) as refused:
        config_import(data=data)

    assert refused.value.errors == [
        "callbacks[1].view_apps: This template is for iOS: Space Game cannot be ticked."
    ]


def test_a_row_without_event_map_or_view_apps_keeps_the_stored_ones(configured):
    data = config_export()
    del data["adjust"][0]["event_map"]
    for callback in data["callbacks"]:
        del callback["view_apps"]
    before = config_export()

    config_import(data=data)

    assert config_export() == before


def test_an_export_with_secrets_written_to_a_file_is_readable_by_its_owner_only(
    configured, tmp_path
):
    path = tmp_path / "secrets.json"

    call_command("export_config", "--with-secrets", "-o", str(path), stderr=StringIO())

    assert path.stat().st_mode & 0o777 == 0o600


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
app_rows = st.fixed_dictionaries(
    {"platform": st.sampled_from(["ios", "android", "web", 3]), "bundle_id": json_values},
    optional={
        "name": json_values,
        "attribution_window_days": json_values,
        "s2s_deposit_amount": json_values,
        "s2s_approved_by": json_values,
        "click_callback": json_values,
        "campaigns": json_values,
    },
)
files = st.fixed_dictionaries(
    {},
    optional={
        "apps": st.lists(app_rows | json_values, max_size=3),
        "callbacks": st.lists(json_values, max_size=2),
        "adjust": st.lists(
            st.fixed_dictionaries({"app": json_values, "app_token": json_values}), max_size=2
        ),
        "kochava": json_values,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=files)
def test_any_file_is_either_applied_or_refused_with_placed_errors(data):
    try:
        config_import(data=data)
    except ConfigFileError as refused:
        assert refused.errors
        assert all(": " in error for error in refused.errors)
