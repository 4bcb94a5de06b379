from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from campaigns.models import App, ApprovalGround, Campaign
from campaigns.roles import ADMIN, user_has_role
from campaigns.services import app_s2s_approve, app_s2s_request
from partners.models import Callback, CallbackKind

S2S_RECORD_FIELDS = (
    "s2s_requested_at",
    "s2s_requested_by",
    "s2s_approved_at",
    "s2s_approved_by",
    "billed_for_sdk_installs_until",
)
S2S_APPROVAL_FIELDS = ("s2s_approval_ground", "s2s_deposit_amount")


class AppAdminForm(forms.ModelForm):
    class Meta:
        model = App
        fields = (
            "name",
            "platform",
            "bundle_id",
            "store_id",
            "tracking_mode",
            "attribution_window_days",
            "view_through_window_hours",
            "s2s_approval_ground",
            "s2s_deposit_amount",
            "click_callback",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("click_callback")
        if field is None:
            return
        # Advanced Settings offers only click callbacks of the app's own platform.
        choices = Callback.objects.filter(template__kind=CallbackKind.CLICK)
        if self.instance.pk:
            choices = choices.filter(template__platform=self.instance.platform)
        field.queryset = choices.select_related("template")

    def clean(self):
        cleaned = super().clean()
        approving = cleaned.get("s2s_approval_ground") and not self.instance.s2s_approved_at
        if approving and not self.instance.s2s_requested_at:
            self.add_error(
                "s2s_approval_ground",
                "Request S2S first (action 'Request S2S attribution'), then approve it.",
            )
        return cleaned


class CampaignInline(admin.TabularInline):
    model = Campaign
    extra = 0
    fields = ("name", "partner_campaign_ids", "active")


@admin.register(App)
class AppAdmin(admin.ModelAdmin):
    form = AppAdminForm
    list_display = (
        "name",
        "platform",
        "bundle_id",
        "store_id",
        "tracking_mode",
        "s2s_status",
        "attribution_window_days",
        "click_callback",
    )
    list_filter = ("platform", "tracking_mode", "s2s_approval_ground")
    search_fields = ("name", "bundle_id", "store_id")
    list_select_related = ("click_callback",)
    inlines = [CampaignInline]
    actions = ["request_s2s", "approve_s2s_by_account_manager"]
    fieldsets = (
        (None, {"fields": ("name", "platform", "bundle_id", "store_id")}),
        (
            "Attribution",
            {"fields": ("tracking_mode", "attribution_window_days", "view_through_window_hours")},
        ),
        (
            "S2S approval",
            {
                "description": "To approve by deposit (at least $5,000), choose the ground, "
                "enter the amount and save: the approver and the switch date are recorded.",
                "fields": S2S_RECORD_FIELDS + S2S_APPROVAL_FIELDS,
            },
        ),
        ("Advanced Settings", {"fields": ("click_callback",)}),
    )

    def has_approve_s2s_permission(self, request) -> bool:
        # Approving S2S is an account decision: only Admins make it.
        return user_has_role(request.user, ADMIN)

    @admin.display(description="SDK installs billed until")
    def billed_for_sdk_installs_until(self, obj):
        # partners.md section 1: SDK-driven installs may be billed up to 21 days after the switch.
        return obj.sdk_billing_until

    def get_readonly_fields(self, request, obj=None):
        approved = obj is not None and obj.s2s_approved_at
        if approved or not self.has_approve_s2s_permission(request):
            return S2S_RECORD_FIELDS + S2S_APPROVAL_FIELDS
        return S2S_RECORD_FIELDS

    def save_model(self, request, obj, form, change):
        approving = change and obj.s2s_approval_ground and not obj.s2s_approved_at
        if not approving:
            super().save_model(request, obj, form, change)
            return
        ground, deposit = obj.s2s_approval_ground, obj.s2s_deposit_amount
        obj.s2s_approval_ground, obj.s2s_deposit_amount = "", None
        super().save_model(request, obj, form, change)
        app_s2s_approve(app=obj, user=request.user, ground=ground, deposit_amount=deposit)

    @admin.action(description="Request S2S attribution", permissions=["change"])
    def request_s2s(self, request, queryset):
        self._apply(request, queryset, lambda app: app_s2s_request(app=app, user=request.user))

    @admin.action(description="Approve S2S (account manager)", permissions=["approve_s2s"])
    def approve_s2s_by_account_manager(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda app: app_s2s_approve(
                app=app, user=request.user, ground=ApprovalGround.ACCOUNT_MANAGER
            ),
        )

    def _apply(self, request, queryset, service) -> None:
        for app in queryset:
            try:
                service(app)
            except ValidationError as exc:
                self.message_user(request, f"{app}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{app}: {app.s2s_status}.", messages.SUCCESS)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "app", "active", "created_at")
    list_filter = ("active", "app__platform")
    search_fields = ("name", "app__name", "app__bundle_id")
    list_select_related = ("app",)
    autocomplete_fields = ("app",)
