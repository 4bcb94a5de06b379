from django.core.exceptions import ValidationError
from django.db import models

from campaigns.models import App, Platform
from partners.macros import unknown_macros
from tracking.fields import EncryptedTextField


class Environment(models.TextChoices):
    SANDBOX = "sandbox", "Sandbox"
    PRODUCTION = "production", "Production"


class HttpMethod(models.TextChoices):
    GET = "GET", "GET with URL parameters"
    POST = "POST", "POST with a form body"


class AdjustConfig(models.Model):
    app = models.OneToOneField(App, on_delete=models.CASCADE, related_name="adjust_config")
    app_token = models.CharField(max_length=64, help_text="Adjust app token from the dashboard.")
    environment = models.CharField(
        max_length=12, choices=Environment.choices, default=Environment.PRODUCTION
    )
    http_method = models.CharField(max_length=4, choices=HttpMethod.choices, default=HttpMethod.GET)
    auth_active = models.BooleanField(
        default=False,
        help_text="S2S authentication: when on, Adjust rejects requests without a live token.",
    )
    auth_switched_off_by = models.ForeignKey(
        "AdjustAuthToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The token whose deletion switched authentication off; recovering it undoes it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Adjust configuration"

    def __str__(self) -> str:
        return f"Adjust for {self.app}"

    def live_tokens(self):
        return self.auth_tokens.filter(deleted_at__isnull=True)

    def clean(self) -> None:
        errors = {}
        if self.app_token and not self.app_token.isalnum():
            errors["app_token"] = ["An Adjust app token is letters and digits."]
        if self.auth_active and (self.pk is None or not self.live_tokens().exists()):
            errors["auth_active"] = [
                "Create (or recover) a token before activating authentication: "
                "with none, Adjust would reject every event."
            ]
        if errors:
            raise ValidationError(errors)


class AdjustEventToken(models.Model):
    """One row of the event map: our event name to Adjust's event token."""

    config = models.ForeignKey(AdjustConfig, on_delete=models.CASCADE, related_name="event_tokens")
    event_name = models.CharField(max_length=100)
    event_token = models.CharField(max_length=64)
    is_revenue = models.BooleanField(
        default=False, help_text="Revenue events are ordered per device across all their tokens."
    )

    class Meta:
        ordering = ["event_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["config", "event_name"], name="adjust_event_name_unique_per_config"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_name} → {self.event_token}"

    def clean(self) -> None:
        if self.event_token and not self.event_token.isalnum():
            raise ValidationError({"event_token": ["An Adjust event token is letters and digits."]})


class AdjustAuthToken(models.Model):
    """An S2S authentication token; deleted tokens keep their row so they can be recovered."""

    config = models.ForeignKey(AdjustConfig, on_delete=models.CASCADE, related_name="auth_tokens")
    name = models.CharField(max_length=100)
    secret = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None


class KochavaConfig(models.Model):
    app = models.OneToOneField(App, on_delete=models.CASCADE, related_name="kochava_config")
    kochava_app_id = models.CharField(
        max_length=100, help_text="The app's Kochava app GUID, e.g. kogamerdna114e9bb3481258."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Kochava configuration"

    def __str__(self) -> str:
        return f"Kochava for {self.app}"


class AppsFlyerConfig(models.Model):
    app = models.OneToOneField(App, on_delete=models.CASCADE, related_name="appsflyer_config")
    appsflyer_app_id = models.CharField(
        max_length=255,
        help_text="iOS: 'id' + the App Store number (id123456789). Android: the package name.",
    )
    s2s_key = EncryptedTextField(
        blank=True, help_text="S2S key (or legacy dev key) sent in the authentication header."
    )
    post_install_delay_seconds = models.PositiveIntegerField(
        default=0, help_text="Hold in-app events this long after the install before sending."
    )
    click_pid = models.CharField(
        max_length=100, blank=True, help_text="Media source (pid) of S2S clicks."
    )
    click_ref_prefix = models.CharField(
        max_length=50, blank=True, help_text="Partner prefix of af_ref (prefix_transactionid)."
    )
    credentials_error = models.TextField(
        blank=True, help_text="Set when AppsFlyer refused the key; cleared when the key changes."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "AppsFlyer configuration"

    def __str__(self) -> str:
        return f"AppsFlyer for {self.app}"

    def clean(self) -> None:
        app_id = self.appsflyer_app_id
        if not app_id or not self.app_id:
            return
        if self.app.platform == Platform.IOS and not (
            app_id.startswith("id") and app_id[2:].isdigit()
        ):
            raise ValidationError(
                {
                    "appsflyer_app_id": [
                        "An iOS AppsFlyer app id is 'id' followed by the App Store number "
                        "(id123456789); without the prefix AppsFlyer silently drops events."
                    ]
                }
            )
        if self.app.platform == Platform.ANDROID and app_id != self.app.bundle_id:
            raise ValidationError(
                {"appsflyer_app_id": ["An Android AppsFlyer app id is the app's package name."]}
            )


class CallbackKind(models.TextChoices):
    CLICK = "click", "Click"
    VIEW = "view", "Completed view"


class ThirdParty(models.TextChoices):
    ADJUST = "adjust", "Adjust"
    APPSFLYER = "appsflyer", "AppsFlyer"
    KOCHAVA = "kochava", "Kochava"
    TUNE = "tune", "Tune"
    BRANCH = "branch", "Branch"
    SINGULAR = "singular", "Singular"
    OTHER = "other", "Other"


class CallbackTemplate(models.Model):
    name = models.CharField(max_length=200, unique=True)
    third_party = models.CharField(max_length=20, choices=ThirdParty.choices)
    kind = models.CharField(max_length=10, choices=CallbackKind.choices)
    platform = models.CharField(max_length=10, choices=Platform.choices)
    url_template = models.TextField(help_text="URL with {macros}; each value is URL-encoded.")
    prompted_fields = models.JSONField(
        default=list,
        blank=True,
        help_text='Values the marketer fills in: [{"name": "tracker_token", "label": "..."}].',
    )
    shipped = models.BooleanField(
        default=False,
        editable=False,
        help_text="Part of the template library shipped with the product (export_config skips it).",
    )

    class Meta:
        ordering = ["third_party", "platform", "kind"]

    def __str__(self) -> str:
        return self.name

    @property
    def prompted_names(self) -> list[str]:
        return [field["name"] for field in self.prompted_fields]

    def clean(self) -> None:
        errors = {}
        fields = self.prompted_fields
        if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) and f["name"] for f in fields
        ):
            errors["prompted_fields"] = ['Give a list of {"name": ..., "label": ...} objects.']
        elif not self.url_template.startswith(("https://", "http://")):
            errors["url_template"] = ["A callback URL starts with https:// or http://."]
        else:
            unknown = unknown_macros(self.url_template, self.prompted_names)
            if unknown:
                errors["url_template"] = [
                    "Unknown macro(s): "
                    + ", ".join("{" + name + "}" for name in unknown)
                    + ". Use a standard macro or add it to the prompted fields."
                ]
        if errors:
            raise ValidationError(errors)


class Callback(models.Model):
    name = models.CharField(
        max_length=200, unique=True, help_text="Names the callback in lists and config files."
    )
    description = models.TextField(blank=True)
    template = models.ForeignKey(
        CallbackTemplate, on_delete=models.PROTECT, related_name="callbacks"
    )
    values = models.JSONField(default=dict, blank=True, help_text="Values of the prompted fields.")
    enabled = models.BooleanField(default=False, help_text="A callback that is OFF sends nothing.")
    view_apps = models.ManyToManyField(
        App,
        blank=True,
        related_name="view_callbacks",
        help_text="Completed-view callbacks: the apps ticked in the View column.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        return self.template.kind

    def clean(self) -> None:
        if not self.template_id:
            return
        errors = {}
        values_error = self._values_error()
        if values_error:
            errors["values"] = [values_error]
        template_error = self._click_apps_error()
        if template_error:
            errors["template"] = [template_error]
        if errors:
            raise ValidationError(errors)

    def _values_error(self) -> str:
        if not isinstance(self.values, dict):
            return "Give an object of prompted field name to value."
        prompted = self.template.prompted_names
        unknown = sorted(set(self.values) - set(prompted))
        if unknown:
            return f"This template does not prompt for: {', '.join(unknown)}."
        missing = [
            field.get("label") or field["name"]
            for field in self.template.prompted_fields
            if not str(self.values.get(field["name"], "")).strip()
        ]
        return f"Fill in: {', '.join(missing)}." if missing else ""

    def _click_apps_error(self) -> str:
        """A template change must not break the apps that use this callback for their clicks."""
        if self.pk is None:
            return ""
        apps = list(App.objects.filter(click_callback=self))
        if apps and self.template.kind != CallbackKind.CLICK:
            return "This callback is the click callback of an app: keep a click template."
        wrong = [app.name for app in apps if app.platform != self.template.platform]
        if wrong:
            return (
                f"This callback fires for clicks of {', '.join(wrong)}, whose platform "
                f"is not {self.template.get_platform_display()}."
            )
        return ""

    def validate_view_apps(self, apps) -> None:
        """A completed-view callback may only be ticked for apps of its template's platform."""
        if self.template.kind != CallbackKind.VIEW and apps:
            raise ValidationError(
                {"view_apps": ["Only completed-view callbacks have a View column."]}
            )
        wrong = [app.name for app in apps if app.platform != self.template.platform]
        if wrong:
            raise ValidationError(
                {
                    "view_apps": [
                        f"This template is for {self.template.get_platform_display()}: "
                        f"{', '.join(wrong)} cannot be ticked."
                    ]
                }
            )
