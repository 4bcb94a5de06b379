"""Demo data for `make run`: a small but complete configuration, safe to seed twice."""

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from campaigns.models import App, Campaign, Platform
from campaigns.roles import ADMIN, MARKETER
from campaigns.services import app_click_callback_set
from partners.models import (
    AdjustConfig,
    AdjustEventToken,
    AppsFlyerConfig,
    Callback,
    CallbackTemplate,
    KochavaConfig,
)
from partners.services import adjust_token_create, callback_save
from tracking.models import IngestionToken
from tracking.services.tokens import ingestion_token_create

BUNDLE_ID = "com.example.spacegame"
APP_STORE_ID = "1234567890"
INGESTION_TOKEN_NAME = "Demo game servers"  # noqa: S105 - a label, not a secret
CLICK_CALLBACK = "Space Game iOS clicks (Adjust)"
VIEW_CALLBACK = "Space Game iOS completed views (Tune)"
PER_PLATFORM = {
    Platform.IOS: {
        "store_id": APP_STORE_ID,
        "adjust_app_token": "2fm9gkqubvpc",
        "kochava_app_id": "kospacegameios5f1a2b3c",
        "appsflyer_app_id": f"id{APP_STORE_ID}",
    },
    Platform.ANDROID: {
        "store_id": BUNDLE_ID,
        "adjust_app_token": "7k2jx9q4mzgs",
        "kochava_app_id": "kospacegameandroid7d8e9f",
        "appsflyer_app_id": BUNDLE_ID,
    },
}
EVENT_MAP = (("purchase", "f1purc", True), ("level_up", "k9lvup", False))


@dataclass
class DemoSeed:
    """What to tell the person who ran the seed: credentials made now (shown this once)."""

    created_logins: dict[str, str] = field(default_factory=dict)
    existing_logins: list[str] = field(default_factory=list)
    ingestion_token: str | None = None
    adjust_tokens: dict[str, str] = field(default_factory=dict)


def _saved(instance):
    instance.full_clean()
    instance.save()
    return instance


def _app(platform: str) -> App:
    app = App.objects.filter(platform=platform, bundle_id=BUNDLE_ID).first()
    if app:
        return app
    store_id = PER_PLATFORM[platform]["store_id"]
    app = _saved(App(name="Space Game", platform=platform, bundle_id=BUNDLE_ID, store_id=store_id))
    _saved(Campaign(app=app, name="Spring launch", partner_campaign_ids={"adjust": "spring24"}))
    return app


def _partner_configs(app: App, seed: DemoSeed) -> None:
    values = PER_PLATFORM[app.platform]
    if not AdjustConfig.objects.filter(app=app).exists():
        adjust = _saved(AdjustConfig(app=app, app_token=values["adjust_app_token"]))
        for name, token, revenue in EVENT_MAP:
            _saved(
                AdjustEventToken(
                    config=adjust, event_name=name, event_token=token, is_revenue=revenue
                )
            )
        _token, secret = adjust_token_create(config=adjust, name="Demo servers")
        seed.adjust_tokens[str(app)] = secret
    if not KochavaConfig.objects.filter(app=app).exists():
        _saved(KochavaConfig(app=app, kochava_app_id=values["kochava_app_id"]))
    if not AppsFlyerConfig.objects.filter(app=app).exists():
        _saved(
            AppsFlyerConfig(
                app=app,
                appsflyer_app_id=values["appsflyer_app_id"],
                s2s_key=secrets.token_urlsafe(24),
                click_pid="chartboosts2s_int",
                click_ref_prefix="SpaceAds",
            )
        )


def _template(name: str) -> CallbackTemplate:
    """The shipped template, or with DEMO_CALLBACK_BASE_URL a copy whose URL goes there instead.

    The demo must deliver somewhere real: `make run` points this at the partner sandbox, whose
    catch-all receiver records the callbacks under /<partner host>/<path>.
    """
    shipped = CallbackTemplate.objects.get(name=name)
    base = settings.DEMO_CALLBACK_BASE_URL.rstrip("/")
    if not base:
        return shipped
    url = urlsplit(shipped.url_template)
    redirected = f"{base}/{url.netloc}{url.path}" + (f"?{url.query}" if url.query else "")
    template, _created = CallbackTemplate.objects.update_or_create(
        name=f"{name} (demo sandbox)",
        defaults={
            "third_party": shipped.third_party,
            "kind": shipped.kind,
            "platform": shipped.platform,
            "url_template": redirected,
            "prompted_fields": shipped.prompted_fields,
        },
    )
    return template


def _callbacks(ios: App) -> None:
    if not Callback.objects.filter(name=CLICK_CALLBACK).exists():
        click = callback_save(
            callback=Callback(
                name=CLICK_CALLBACK,
                description="Every click on Space Game (iOS) goes to its Adjust tracker.",
                template=_template("Adjust iOS Click"),
                values={"tracker_token": "abc123"},
                enabled=True,
            )
        )
        app_click_callback_set(app=ios, callback=click)
    if not Callback.objects.filter(name=VIEW_CALLBACK).exists():
        callback_save(
            callback=Callback(
                name=VIEW_CALLBACK,
                description="View-through attribution of Space Game (iOS) with Tune.",
                template=_template("Tune iOS Completed View"),
                values={"publisher_id": "123456", "site_id": "78910"},
                enabled=True,
            ),
            view_apps=[ios],
        )


def _login(seed: DemoSeed, *, username: str, password: str, role: str, superuser: bool) -> None:
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        password = password or secrets.token_urlsafe(12)
        user = users.create_user(
            username=username, password=password, is_staff=True, is_superuser=superuser
        )
        seed.created_logins[username] = password
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
        seed.created_logins[username] = password
    else:
        seed.existing_logins.append(username)
    user.groups.add(Group.objects.get(name=role))


@transaction.atomic
def demo_seed(*, admin_password: str = "", marketer_password: str = "") -> DemoSeed:
    """Create what is missing of the demo; a second run changes nothing (except passwords given)."""
    seed = DemoSeed()
    ios, android = _app(Platform.IOS), _app(Platform.ANDROID)
    for app in (ios, android):
        _partner_configs(app, seed)
    _callbacks(ios)
    _login(seed, username="admin", password=admin_password, role=ADMIN, superuser=True)
    _login(seed, username="marketer", password=marketer_password, role=MARKETER, superuser=False)
    if not IngestionToken.objects.filter(name=INGESTION_TOKEN_NAME).exists():
        _row, seed.ingestion_token = ingestion_token_create(
            name=INGESTION_TOKEN_NAME, apps=[ios, android]
        )
    return seed
