from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from campaigns.validators import validate_bundle_id

MIN_ATTRIBUTION_WINDOW_DAYS = 7
MIN_S2S_DEPOSIT = Decimal("5000")
SDK_BILLING_GRACE = timedelta(days=21)


class Platform(models.TextChoices):
    IOS = "ios", "iOS"
    ANDROID = "android", "Android"


class TrackingMode(models.TextChoices):
    SDK = "sdk", "SDK attribution"
    S2S = "s2s", "S2S attribution"


class ApprovalGround(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", "Account manager"
    DEPOSIT = "deposit", "Deposit of at least $5,000"


class App(models.Model):
    name = models.CharField(max_length=200)
    platform = models.CharField(max_length=10, choices=Platform.choices)
    bundle_id = models.CharField(
        max_length=255, help_text="Reverse-DNS for iOS, Java package name for Android."
    )
    store_id = models.CharField(
        max_length=255,
        blank=True,
        help_text="App Store number for iOS (digits), Play package name for Android.",
    )
    tracking_mode = models.CharField(
        max_length=10, choices=TrackingMode.choices, default=TrackingMode.SDK
    )
    s2s_requested_at = models.DateTimeField(null=True, blank=True)
    s2s_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    s2s_approved_at = models.DateTimeField(
        null=True, blank=True, help_text="The switch date from SDK to S2S attribution."
    )
    s2s_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    s2s_approval_ground = models.CharField(
        max_length=20, choices=ApprovalGround.choices, blank=True
    )
    s2s_deposit_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="In US dollars."
    )
    attribution_window_days = models.PositiveSmallIntegerField(
        default=MIN_ATTRIBUTION_WINDOW_DAYS,
        validators=[
            MinValueValidator(
                MIN_ATTRIBUTION_WINDOW_DAYS,
                message="The attribution window is never below 7 days.",
            )
        ],
        help_text="Install attribution window; never below 7 days.",
    )
    view_through_window_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1)]
    )
    click_callback = models.ForeignKey(
        "partners.Callback",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="click_apps",
        help_text="Advanced Settings: the callback fired for every click on this app.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "bundle_id"], name="app_bundle_id_unique_per_platform"
            ),
            models.CheckConstraint(
                condition=models.Q(attribution_window_days__gte=MIN_ATTRIBUTION_WINDOW_DAYS),
                name="app_attribution_window_at_least_7_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    @property
    def sdk_billing_until(self):
        """SDK-driven installs may still be billed up to 21 days after the switch to S2S."""
        if self.s2s_approved_at is None:
            return None
        return self.s2s_approved_at + SDK_BILLING_GRACE

    @property
    def s2s_status(self) -> str:
        if self.s2s_approved_at:
            return "S2S approved"
        if self.s2s_requested_at:
            return "S2S requested"
        return "SDK"

    def clean(self) -> None:
        errors = {}
        if self.bundle_id and self.platform:
            try:
                validate_bundle_id(self.bundle_id, self.platform)
            except ValidationError as exc:
                errors["bundle_id"] = exc.messages
        if self.platform == Platform.IOS and self.store_id and not self.store_id.isdigit():
            errors["store_id"] = ["An App Store id is the app's number, digits only."]
        errors.update(self._approval_errors())
        if self.tracking_mode == TrackingMode.S2S and not self.s2s_approved_at:
            errors["tracking_mode"] = [
                "S2S attribution needs an approval first: request it, then an account manager "
                "or a deposit of at least $5,000 approves it."
            ]
        if self.click_callback_id and self.click_callback:
            errors.update(self._click_callback_errors())
        if errors:
            raise ValidationError(errors)

    def _approval_errors(self) -> dict:
        if not self.s2s_approved_at and not self.s2s_approval_ground:
            return {}
        if not self.s2s_approval_ground:
            return {"s2s_approval_ground": ["Say on what ground S2S was approved."]}
        deposit = self.s2s_deposit_amount
        if self.s2s_approval_ground == ApprovalGround.DEPOSIT and (
            deposit is None or deposit < MIN_S2S_DEPOSIT
        ):
            return {
                "s2s_deposit_amount": [
                    "S2S approval by deposit needs a deposit of at least $5,000."
                ]
            }
        return {}

    def _click_callback_errors(self) -> dict:
        template = self.click_callback.template
        if template.kind != "click":
            return {"click_callback": ["Only a click callback can be attached to clicks."]}
        if template.platform != self.platform:
            return {
                "click_callback": [
                    f"This callback's template is for {template.get_platform_display()}, "
                    f"the app is {self.get_platform_display()}."
                ]
            }
        return {}


class Campaign(models.Model):
    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    partner_campaign_ids = models.JSONField(
        default=dict, blank=True, help_text="Partner name to that partner's campaign id."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["app__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["app", "name"], name="campaign_name_unique_per_app")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ids = self.partner_campaign_ids
        if not isinstance(ids, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in ids.items()
        ):
            raise ValidationError(
                {"partner_campaign_ids": ["Give an object of partner name to campaign id text."]}
            )
