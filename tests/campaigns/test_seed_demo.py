from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from campaigns.models import App
from campaigns.roles import MARKETER, user_has_role
from partners.models import AdjustConfig, AppsFlyerConfig, Callback, KochavaConfig
from tracking.models import IngestionToken
from tracking.services.tokens import ingestion_token_authenticate

pytestmark = pytest.mark.django_db


def seed(settings, **passwords) -> str:
    settings.DEMO_ADMIN_PASSWORD = passwords.get("admin", "")
    settings.DEMO_MARKETER_PASSWORD = passwords.get("marketer", "")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def token_in(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("Ingestion token ("))
    return line.rsplit(": ", 1)[1]


def test_seed_demo_creates_the_demo_configuration(settings):
    output = seed(settings, admin="demo-admin-pw")

    ios = App.objects.get(platform="ios", bundle_id="com.example.spacegame", store_id="1234567890")
    android = App.objects.get(platform="android", bundle_id="com.example.spacegame")
    assert ios.click_callback.template.name == "Adjust iOS Click"
    view = Callback.objects.get(template__name="Tune iOS Completed View")
    assert view.enabled and list(view.view_apps.all()) == [ios]
    adjust = AdjustConfig.objects.get(app=ios)
    assert {(t.event_name, t.is_revenue) for t in adjust.event_tokens.all()} == {
        ("purchase", True),
        ("level_up", False),
    }
    assert adjust.live_tokens().count() == 1
    assert KochavaConfig.objects.filter(app__in=[ios, android]).count() == 2
    assert AppsFlyerConfig.objects.get(app=ios).appsflyer_app_id == "id1234567890"
    assert AppsFlyerConfig.objects.get(app=android).appsflyer_app_id == "com.example.spacegame"
    assert authenticate(username="admin", password="demo-admin-pw").is_superuser
    assert set(ingestion_token_authenticate(raw=token_in(output)).apps.all()) == {ios, android}


def test_seed_demo_prints_a_generated_marketer_password_that_logs_in(settings):
    output = seed(settings)

    line = next(line for line in output.splitlines() if line.startswith("Login: marketer / "))
    marketer = authenticate(username="marketer", password=line.rsplit(" / ", 1)[1])
    assert user_has_role(marketer, MARKETER)


def test_seed_demo_is_safe_to_run_twice(settings):
    first = seed(settings)
    counts = (App.objects.count(), Callback.objects.count(), IngestionToken.objects.count())

    second = seed(settings)

    assert (App.objects.count(), Callback.objects.count(), IngestionToken.objects.count()) == counts
    assert token_in(first) not in second
    assert "Login: admin (exists; password unchanged)" in second


def test_seed_demo_callbacks_go_to_the_demo_callback_base_url_when_set(settings):
    """`make run` sets DEMO_CALLBACK_BASE_URL to the sandbox: the demo delivers somewhere real."""
    settings.DEMO_CALLBACK_BASE_URL = "http://127.0.0.1:8900/"

    seed(settings)

    ios = App.objects.get(platform="ios", bundle_id="com.example.spacegame")
    click = ios.click_callback.template
    assert click.name == "Adjust iOS Click (demo sandbox)"
    assert click.url_template.startswith("http://127.0.0.1:8900/app.adjust.com/{tracker_token}?")
    view = Callback.objects.get(name__contains="completed views")
    assert view.template.url_template.startswith("http://127.0.0.1:8900/")
    assert view.template.kind == "view" and view.template.platform == "ios"
