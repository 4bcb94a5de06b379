"""Configuration as code: apps, partner configs, callbacks and their attachments as JSON.

Rows are keyed by natural keys (an app by platform + bundle id, a template or a callback by its
name), never by database ids, so a file moves between environments. Import creates or updates;
it never deletes a top-level row, and a field missing from a row keeps its stored value. Lists
that are settings of their parent (an Adjust event map, a callback's View column) are set
exactly as the file says when the row has them. Every row goes through full_clean,
the validation the admin uses; one bad row and nothing at all is changed.
"""

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from campaigns.models import App, Campaign
from partners.models import (
    AdjustConfig,
    AdjustEventToken,
    AppsFlyerConfig,
    Callback,
    CallbackTemplate,
    KochavaConfig,
)
from partners.services import adjust_token_create

FORMAT_VERSION = 1
APP_FIELDS = (
    "name",
    "store_id",
    "tracking_mode",
    "attribution_window_days",
    "view_through_window_hours",
    "s2s_requested_at",
    "s2s_approved_at",
    "s2s_approval_ground",
    "s2s_deposit_amount",
)
APP_USER_FIELDS = ("s2s_requested_by", "s2s_approved_by")
CAMPAIGN_FIELDS = ("name", "partner_campaign_ids", "active")
ADJUST_FIELDS = ("app_token", "environment", "http_method", "auth_active")
EVENT_MAP_FIELDS = ("event_name", "event_token", "is_revenue")
KOCHAVA_FIELDS = ("kochava_app_id",)
APPSFLYER_FIELDS = (
    "appsflyer_app_id",
    "post_install_delay_seconds",
    "click_pid",
    "click_ref_prefix",
)
TEMPLATE_FIELDS = ("name", "third_party", "kind", "platform", "url_template", "prompted_fields")
CALLBACK_FIELDS = ("name", "description", "values", "enabled")
SECTIONS = ("apps", "callback_templates", "callbacks", "adjust", "kochava", "appsflyer")


# --- Export ---------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _pick(instance: Model, fields: tuple[str, ...]) -> dict:
    return {name: _plain(getattr(instance, name)) for name in fields}


def _app_key(app: App) -> dict:
    return {"platform": app.platform, "bundle_id": app.bundle_id}


def _username(user) -> str | None:
    return user.get_username() if user else None


def _export_app(app: App) -> dict:
    row = {**_app_key(app), **_pick(app, APP_FIELDS)}
    row.update({name: _username(getattr(app, name)) for name in APP_USER_FIELDS})
    row["click_callback"] = app.click_callback.name if app.click_callback else None
    row["campaigns"] = [_pick(c, CAMPAIGN_FIELDS) for c in app.campaigns.order_by("name")]
    return row


def _export_adjust(config: AdjustConfig, with_secrets: bool) -> dict:
    row = {"app": _app_key(config.app), **_pick(config, ADJUST_FIELDS)}
    row["event_map"] = [
        _pick(token, EVENT_MAP_FIELDS) for token in config.event_tokens.order_by("event_name")
    ]
    if with_secrets:
        row["auth_tokens"] = [
            {"name": t.name, "secret": t.secret, "deleted_at": _plain(t.deleted_at)}
            for t in config.auth_tokens.order_by("name", "created_at")
        ]
    return row


def _export_appsflyer(config: AppsFlyerConfig, with_secrets: bool) -> dict:
    row = {"app": _app_key(config.app), **_pick(config, APPSFLYER_FIELDS)}
    if with_secrets:
        row["s2s_key"] = config.s2s_key
    return row


def _export_callback(callback: Callback) -> dict:
    row = {**_pick(callback, CALLBACK_FIELDS), "template": callback.template.name}
    row["view_apps"] = [
        _app_key(app) for app in callback.view_apps.order_by("platform", "bundle_id")
    ]
    return row


def config_export(*, with_secrets: bool = False) -> dict:
    """The whole configuration as a JSON-ready dict; secrets only when asked for."""
    by_app = ("app__platform", "app__bundle_id")
    return {
        "format": FORMAT_VERSION,
        "apps": [
            _export_app(app)
            for app in App.objects.select_related(
                "click_callback", "s2s_requested_by", "s2s_approved_by"
            ).order_by("platform", "bundle_id")
        ],
        "callback_templates": [
            _pick(t, TEMPLATE_FIELDS)
            for t in CallbackTemplate.objects.filter(shipped=False).order_by("name")
        ],
        "callbacks": [
            _export_callback(c)
            for c in Callback.objects.select_related("template").order_by("name")
        ],
        "adjust": [
            _export_adjust(c, with_secrets)
            for c in AdjustConfig.objects.select_related("app").order_by(*by_app)
        ],
        "kochava": [
            {"app": _app_key(c.app), **_pick(c, KOCHAVA_FIELDS)}
            for c in KochavaConfig.objects.select_related("app").order_by(*by_app)
        ],
        "appsflyer": [
            _export_appsflyer(c, with_secrets)
            for c in AppsFlyerConfig.objects.select_related("app").order_by(*by_app)
        ],
    }


# --- Import ---------------------------------------------------------------------------------------


class ConfigFileError(Exception):
    """The file was refused; `errors` name each problem's place, e.g. `apps[3].bundle_id: ...`."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _RowError(Exception):
    """Stop handling one row; its errors are already recorded."""


class _Importer:
    def __init__(self, data: Any):
        self.data = data
        self.errors: list[str] = []
        self.counts: dict[str, int] = {}
        self.click_callbacks: list[tuple[str, App, Any]] = []

    # -- helpers --

    def error(self, place: str, message: str) -> None:
        self.errors.append(f"{place}: {message}")

    def rows(self, section: str) -> list[tuple[str, dict]]:
        rows = self.data.get(section, [])
        if not isinstance(rows, list):
            self.error(section, "must be a list.")
            return []
        good = []
        for index, row in enumerate(rows):
            place = f"{section}[{index}]"
            if isinstance(row, dict):
                good.append((place, row))
            else:
                self.error(place, "must be an object.")
        return good

    def check_keys(self, place: str, row: dict, allowed: set[str], required: set[str]) -> None:
        for key in sorted(set(row) - allowed):
            self.error(f"{place}.{key}", "unknown field.")
        for key in sorted(required - set(row)):
            self.error(f"{place}.{key}", "this field is required.")
        if set(row) - allowed or required - set(row):
            raise _RowError

    def clean(self, instance: Model, place: str, **kwargs) -> None:
        try:
            instance.full_clean(**kwargs)
        except ValidationError as exc:
            self.record(exc, place)
            raise _RowError from exc

    def record(self, exc: ValidationError, place: str) -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.error(place, message)
            return
        for field, messages in exc.message_dict.items():
            where = place if field == "__all__" else f"{place}.{field}"
            for message in messages:
                self.error(where, message)

    def app(self, key: Any, place: str) -> App:
        if (
            not isinstance(key, dict)
            or set(key) != {"platform", "bundle_id"}
            or not all(isinstance(value, str) for value in key.values())
        ):
            self.error(place, 'give {"platform": ..., "bundle_id": ...}.')
            raise _RowError
        app = App.objects.filter(platform=key["platform"], bundle_id=key["bundle_id"]).first()
        if app is None:
            self.error(place, f"no {key['platform']} app with bundle id {key['bundle_id']!r}.")
            raise _RowError
        return app

    def by_name(self, model, name: Any, place: str):
        found = model.objects.filter(name=name).first() if isinstance(name, str) else None
        if found is None:
            self.error(place, f"no {model._meta.verbose_name} named {name!r}.")
            raise _RowError
        return found

    def user(self, username: Any):
        if not username or not isinstance(username, str):
            return None
        # People differ between environments: an unknown approver is not recorded.
        return get_user_model().objects.filter(username=username).first()

    def unique(self, seen: dict, key, place: str) -> None:
        key = json.dumps(key, sort_keys=True, default=str)
        if key in seen:
            self.error(place, f"the same row as {seen[key]}.")
            raise _RowError
        seen[key] = place

    def each(self, section: str, handle) -> None:
        seen: dict = {}
        for place, row in self.rows(section):
            try:
                handle(place, row, seen)
            except _RowError:
                continue
            self.counts[section] = self.counts.get(section, 0) + 1

    # -- sections, in dependency order --

    def run(self) -> dict[str, int]:
        if not isinstance(self.data, dict):
            raise ConfigFileError(["(file): must be a JSON object."])
        for key in sorted(set(self.data) - {*SECTIONS, "format"}):
            self.error(key, "unknown section.")
        if self.data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
            self.error("format", f"this product reads format {FORMAT_VERSION}.")
        self.each("apps", self.import_app)
        self.each("callback_templates", self.import_template)
        self.each("callbacks", self.import_callback)
        self.attach_click_callbacks()
        self.each("adjust", self.import_adjust)
        self.each("kochava", self.import_kochava)
        self.each("appsflyer", self.import_appsflyer)
        if self.errors:
            raise ConfigFileError(self.errors)
        return self.counts

    def import_app(self, place: str, row: dict, seen: dict) -> None:
        allowed = {"platform", "bundle_id", *APP_FIELDS, *APP_USER_FIELDS}
        allowed |= {"click_callback", "campaigns"}
        self.check_keys(place, row, allowed, {"platform", "bundle_id", "name"})
        for name in ("platform", "bundle_id"):
            if not isinstance(row[name], str):
                self.error(f"{place}.{name}", "must be text.")
                raise _RowError
        self.unique(seen, (row["platform"], row["bundle_id"]), place)
        app = App.objects.filter(platform=row["platform"], bundle_id=row["bundle_id"]).first()
        app = app or App(platform=row["platform"], bundle_id=row["bundle_id"])
        for name in APP_FIELDS:
            if name in row:
                setattr(app, name, row[name])
        for name in APP_USER_FIELDS:
            if name in row:
                setattr(app, name, self.user(row[name]))
        # The click callback is attached once the callbacks exist.
        self.clean(app, place, exclude=["click_callback"])
        app.save()
        if "click_callback" in row:
            self.click_callbacks.append((place, app, row["click_callback"]))
        campaigns = row.get("campaigns", [])
        if not isinstance(campaigns, list):
            self.error(f"{place}.campaigns", "must be a list.")
            raise _RowError
        names: dict = {}
        for index, campaign_row in enumerate(campaigns):
            self.import_campaign(app, f"{place}.campaigns[{index}]", campaign_row, names)

    def import_campaign(self, app: App, place: str, row: Any, seen: dict) -> None:
        if not isinstance(row, dict):
            self.error(place, "must be an object.")
            return
        try:
            self.check_keys(place, row, set(CAMPAIGN_FIELDS), {"name"})
            self.unique(seen, row["name"], place)
            campaign = Campaign.objects.filter(app=app, name=row["name"]).first()
            campaign = campaign or Campaign(app=app)
            for name in CAMPAIGN_FIELDS:
                if name in row:
                    setattr(campaign, name, row[name])
            self.clean(campaign, place)
        except _RowError:
            return
        campaign.save()

    def import_template(self, place: str, row: dict, seen: dict) -> None:
        self.check_keys(place, row, set(TEMPLATE_FIELDS), set(TEMPLATE_FIELDS))
        self.unique(seen, row["name"], place)
        template = CallbackTemplate.objects.filter(name=row["name"]).first() or CallbackTemplate()
        for name in TEMPLATE_FIELDS:
            setattr(template, name, row[name])
        self.clean(template, place)
        template.save()

    def import_callback(self, place: str, row: dict, seen: dict) -> None:
        allowed = {*CALLBACK_FIELDS, "template", "view_apps"}
        self.check_keys(place, row, allowed, {"name", "template"})
        self.unique(seen, row["name"], place)
        callback = Callback.objects.filter(name=row["name"]).first() or Callback()
        callback.template = self.by_name(CallbackTemplate, row["template"], f"{place}.template")
        for name in CALLBACK_FIELDS:
            if name in row:
                setattr(callback, name, row[name])
        self.clean(callback, place)
        apps = self.view_apps(callback, place, row)
        try:
            callback.validate_view_apps(apps)
        except ValidationError as exc:
            self.record(exc, place)
            raise _RowError from exc
        callback.save()
        callback.view_apps.set(apps)

    def view_apps(self, callback: Callback, place: str, row: dict) -> list[App]:
        """The View column as the file sets it; a row without one keeps the stored column."""
        if "view_apps" not in row:
            return list(callback.view_apps.all()) if callback.pk else []
        keys = row["view_apps"]
        if not isinstance(keys, list):
            self.error(f"{place}.view_apps", "must be a list.")
            raise _RowError
        return [self.app(key, f"{place}.view_apps[{i}]") for i, key in enumerate(keys)]

    def attach_click_callbacks(self) -> None:
        for place, app, name in self.click_callbacks:
            try:
                callback = self.by_name(Callback, name, f"{place}.click_callback") if name else None
                app.click_callback = callback
                self.clean(app, place)
            except _RowError:
                continue
            app.save(update_fields=["click_callback", "updated_at"])

    def import_adjust(self, place: str, row: dict, seen: dict) -> None:
        allowed = {"app", *ADJUST_FIELDS, "event_map", "auth_tokens"}
        self.check_keys(place, row, allowed, {"app", "app_token"})
        app = self.app(row["app"], f"{place}.app")
        self.unique(seen, app.pk, place)
        config = AdjustConfig.objects.filter(app=app).first() or AdjustConfig(app=app)
        for name in ADJUST_FIELDS:
            if name in row and name != "auth_active":
                setattr(config, name, row[name])
        # Authentication is switched last: it needs the tokens of this very row.
        self.clean(config, place, exclude=["auth_active"])
        config.save()
        # A row without an event map (or tokens) leaves the stored ones as they are.
        if "event_map" in row:
            self.import_event_map(config, place, row["event_map"])
        if "auth_tokens" in row:
            self.import_auth_tokens(config, place, row["auth_tokens"])
        if "auth_active" in row:
            config.auth_active = row["auth_active"]
            self.clean(config, place)
            config.save()

    def import_event_map(self, config: AdjustConfig, place: str, rows: Any) -> None:
        if not isinstance(rows, list):
            self.error(f"{place}.event_map", "must be a list.")
            raise _RowError
        config.event_tokens.all().delete()
        failed = False
        seen: dict = {}
        for index, row in enumerate(rows):
            where = f"{place}.event_map[{index}]"
            try:
                if not isinstance(row, dict):
                    self.error(where, "must be an object.")
                    raise _RowError
                self.check_keys(where, row, set(EVENT_MAP_FIELDS), {"event_name", "event_token"})
                self.unique(seen, row["event_name"], where)
                token = AdjustEventToken(config=config, **row)
                self.clean(token, where)
            except _RowError:
                failed = True
                continue
            token.save()
        if failed:
            raise _RowError

    def import_auth_tokens(self, config: AdjustConfig, place: str, rows: Any) -> None:
        if not isinstance(rows, list):
            self.error(f"{place}.auth_tokens", "must be a list.")
            raise _RowError
        for index, row in enumerate(rows):
            where = f"{place}.auth_tokens[{index}]"
            if not isinstance(row, dict):
                self.error(where, "must be an object.")
                raise _RowError
            self.check_keys(where, row, {"name", "secret", "deleted_at"}, {"name", "secret"})
            if not row["secret"]:
                self.error(f"{where}.secret", "give the token's secret.")
                raise _RowError
            token = config.auth_tokens.filter(name=row["name"]).first()
            if token is None:
                token, _ = adjust_token_create(
                    config=config, name=row["name"], secret=row["secret"]
                )
            token.secret = row["secret"]
            token.deleted_at = row.get("deleted_at")
            self.clean(token, where)
            token.save()

    def import_kochava(self, place: str, row: dict, seen: dict) -> None:
        self.check_keys(place, row, {"app", *KOCHAVA_FIELDS}, {"app", *KOCHAVA_FIELDS})
        app = self.app(row["app"], f"{place}.app")
        self.unique(seen, app.pk, place)
        config = KochavaConfig.objects.filter(app=app).first() or KochavaConfig(app=app)
        config.kochava_app_id = row["kochava_app_id"]
        self.clean(config, place)
        config.save()

    def import_appsflyer(self, place: str, row: dict, seen: dict) -> None:
        allowed = {"app", *APPSFLYER_FIELDS, "s2s_key"}
        self.check_keys(place, row, allowed, {"app", "appsflyer_app_id"})
        app = self.app(row["app"], f"{place}.app")
        self.unique(seen, app.pk, place)
        config = AppsFlyerConfig.objects.filter(app=app).first() or AppsFlyerConfig(app=app)
        for name in APPSFLYER_FIELDS:
            if name in row:
                setattr(config, name, row[name])
        # Without --with-secrets the file has no key: the stored one is kept.
        if row.get("s2s_key") and row["s2s_key"] != config.s2s_key:
            config.s2s_key = row["s2s_key"]
            config.credentials_error = ""
        self.clean(config, place)
        config.save()


def config_import(*, data: Any) -> dict[str, int]:
    """Apply a config file (as parsed JSON) in one transaction; returns rows applied per section.

    Raises ConfigFileError listing every problem by its place; then nothing was changed.
    """
    importer = _Importer(data)
    with transaction.atomic():
        return importer.run()
