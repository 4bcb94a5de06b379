from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from partners.models import (
    AdjustAuthToken,
    AdjustConfig,
    AdjustEventToken,
    AppsFlyerConfig,
    Callback,
    CallbackTemplate,
    KochavaConfig,
)
from partners.services import (
    adjust_auth_set,
    adjust_token_create,
    adjust_token_delete,
    adjust_token_recover,
    callback_save,
    callback_view_apps_set,
)
from tracking.admin_secrets import WriteOnlySecretField, masked

SHOWN_ONCE = "Copy it now: it is not shown again."


class AdjustEventTokenInline(admin.TabularInline):
    model = AdjustEventToken
    extra = 1
    fields = ("event_name", "event_token", "is_revenue")


class AdjustAuthTokenInlineForm(forms.ModelForm):
    new_secret = WriteOnlySecretField(
        label="Token",
        help_text="Paste the token created in Adjust's dashboard, or leave empty to generate one.",
    )

    class Meta:
        model = AdjustAuthToken
        fields = ("name",)


class AdjustAuthTokenInline(admin.TabularInline):
    """Tokens are added here; Delete and Recover are actions of the Adjust auth tokens list."""

    model = AdjustAuthToken
    form = AdjustAuthTokenInlineForm
    extra = 0
    can_delete = False
    fields = ("name", "new_secret", "masked_secret", "created_at", "deleted_at")
    readonly_fields = ("masked_secret", "created_at", "deleted_at")

    @admin.display(description="Secret")
    def masked_secret(self, obj):
        return masked(obj.secret)


@admin.register(AdjustConfig)
class AdjustConfigAdmin(admin.ModelAdmin):
    list_display = ("app", "app_token", "environment", "http_method", "auth_active", "live_tokens")
    list_filter = ("environment", "auth_active", "http_method", "app__platform")
    search_fields = ("app__name", "app__bundle_id", "app_token")
    list_select_related = ("app",)
    autocomplete_fields = ("app",)
    inlines = [AdjustEventTokenInline, AdjustAuthTokenInline]
    actions = ["activate_authentication", "deactivate_authentication"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                live_token_count=Count(
                    "auth_tokens", filter=Q(auth_tokens__deleted_at__isnull=True)
                )
            )
        )

    @admin.display(description="Live tokens", ordering="live_token_count")
    def live_tokens(self, obj):
        return obj.live_token_count

    def save_formset(self, request, form, formset, change):
        if formset.model is not AdjustAuthToken:
            super().save_formset(request, form, formset, change)
            return
        # New tokens go through the service; the admin's change history reads these lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for token_form in formset.forms:
            if not token_form.has_changed():
                continue
            pasted = token_form.cleaned_data.get("new_secret")
            if token_form.instance.pk:
                token = token_form.instance
                token.secret = pasted or token.secret
                token.save(update_fields=["name", "secret"])
                formset.changed_objects.append((token, token_form.changed_data))
                continue
            token, secret = adjust_token_create(
                config=form.instance, name=token_form.cleaned_data["name"], secret=pasted
            )
            formset.new_objects.append(token)
            if not pasted:
                self.message_user(
                    request,
                    f"Adjust token '{token.name}': {secret}. {SHOWN_ONCE}",
                    messages.WARNING,
                )

    @admin.action(description="Activate S2S authentication", permissions=["change"])
    def activate_authentication(self, request, queryset):
        self._auth_set(request, queryset, active=True)

    @admin.action(description="Deactivate S2S authentication", permissions=["change"])
    def deactivate_authentication(self, request, queryset):
        self._auth_set(request, queryset, active=False)

    def _auth_set(self, request, queryset, *, active: bool) -> None:
        for config in queryset:
            try:
                adjust_auth_set(config=config, active=active)
            except ValidationError as exc:
                self.message_user(request, f"{config}: {' '.join(exc.messages)}", messages.ERROR)


class AdjustAuthTokenForm(forms.ModelForm):
    new_secret = WriteOnlySecretField(
        label="Token",
        help_text="Paste the token created in Adjust's dashboard, or leave empty to generate one.",
    )

    class Meta:
        model = AdjustAuthToken
        fields = ("config", "name")


class LiveTokenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("live", "Live"), ("deleted", "Deleted"))

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "deleted":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


@admin.register(AdjustAuthToken)
class AdjustAuthTokenAdmin(admin.ModelAdmin):
    form = AdjustAuthTokenForm
    list_display = ("name", "config", "masked_secret", "created_at", "deleted_at", "is_live")
    list_filter = (LiveTokenFilter, "config__environment")
    search_fields = ("name", "config__app__name", "config__app__bundle_id")
    list_select_related = ("config__app",)
    readonly_fields = ("masked_secret", "created_at", "deleted_at")
    actions = ["delete_tokens", "recover_tokens"]

    @admin.display(description="Secret")
    def masked_secret(self, obj):
        return masked(obj.secret)

    @admin.display(boolean=True, description="Live")
    def is_live(self, obj):
        return obj.is_live

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("config", "name", "new_secret")
        return ("config", "name", "masked_secret", "created_at", "deleted_at")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (("config",) if obj else ())

    def get_actions(self, request):
        # The bulk hard delete would make Recover impossible: "delete_tokens" keeps the rows.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        # The change page's Delete button deletes like Adjust does: at once, recoverable.
        self._delete(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        token, secret = adjust_token_create(
            config=obj.config, name=obj.name, secret=form.cleaned_data.get("new_secret")
        )
        obj.pk = token.pk
        if not form.cleaned_data.get("new_secret"):
            self.message_user(request, f"Token: {secret}. {SHOWN_ONCE}", messages.WARNING)

    @admin.action(
        description="Delete selected tokens (Recover stays possible)", permissions=["delete"]
    )
    def delete_tokens(self, request, queryset):
        for token in queryset.select_related("config"):
            self._delete(request, token)

    def _delete(self, request, token) -> None:
        was_active = token.config.auth_active
        adjust_token_delete(token=token)
        if was_active and not token.config.auth_active:
            self.message_user(
                request,
                f"{token.config}: its last live token was deleted, so S2S authentication "
                "was switched off (otherwise Adjust would reject every event).",
                messages.WARNING,
            )

    @admin.action(description="Recover selected tokens", permissions=["change"])
    def recover_tokens(self, request, queryset):
        for token in queryset:
            if adjust_token_recover(token=token):
                self.message_user(
                    request,
                    f"{token.config}: deleting {token} had switched S2S authentication off; "
                    "it is on again.",
                    messages.INFO,
                )


@admin.register(AdjustEventToken)
class AdjustEventTokenAdmin(admin.ModelAdmin):
    list_display = ("event_name", "event_token", "is_revenue", "config")
    list_filter = ("is_revenue",)
    search_fields = ("event_name", "event_token", "config__app__name")
    list_select_related = ("config__app",)


@admin.register(KochavaConfig)
class KochavaConfigAdmin(admin.ModelAdmin):
    list_display = ("app", "kochava_app_id", "updated_at")
    list_filter = ("app__platform",)
    search_fields = ("app__name", "app__bundle_id", "kochava_app_id")
    list_select_related = ("app",)
    autocomplete_fields = ("app",)


class AppsFlyerConfigForm(forms.ModelForm):
    new_s2s_key = WriteOnlySecretField(label="S2S key")

    class Meta:
        model = AppsFlyerConfig
        fields = (
            "app",
            "appsflyer_app_id",
            "post_install_delay_seconds",
            "click_pid",
            "click_ref_prefix",
        )

    def _post_clean(self):
        new_key = self.cleaned_data.get("new_s2s_key")
        if new_key:
            self.instance.s2s_key = new_key
            # A new key is the fix for a refused one.
            self.instance.credentials_error = ""
        super()._post_clean()


@admin.register(AppsFlyerConfig)
class AppsFlyerConfigAdmin(admin.ModelAdmin):
    form = AppsFlyerConfigForm
    list_display = (
        "app",
        "appsflyer_app_id",
        "masked_key",
        "post_install_delay_seconds",
        "click_pid",
        "has_credentials_error",
    )
    list_filter = ("app__platform", ("credentials_error", admin.EmptyFieldListFilter))
    search_fields = ("app__name", "app__bundle_id", "appsflyer_app_id", "click_pid")
    list_select_related = ("app",)
    autocomplete_fields = ("app",)
    readonly_fields = ("masked_key", "credentials_error")
    fields = (
        "app",
        "appsflyer_app_id",
        "masked_key",
        "new_s2s_key",
        "post_install_delay_seconds",
        "click_pid",
        "click_ref_prefix",
        "credentials_error",
    )

    @admin.display(description="S2S key")
    def masked_key(self, obj):
        return masked(obj.s2s_key)

    @admin.display(boolean=True, description="Key refused")
    def has_credentials_error(self, obj):
        return bool(obj.credentials_error)


@admin.register(CallbackTemplate)
class CallbackTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "third_party", "kind", "platform", "shipped")
    list_filter = ("third_party", "kind", "platform", "shipped")
    search_fields = ("name", "url_template")
    readonly_fields = ("shipped",)


class CallbackAdminForm(forms.ModelForm):
    class Meta:
        model = Callback
        fields = ("name", "description", "template", "values", "enabled", "view_apps")

    def _post_clean(self):
        super()._post_clean()
        if "template" in self._errors or not self.instance.template_id:
            return
        try:
            self.instance.validate_view_apps(list(self.cleaned_data.get("view_apps") or []))
        except ValidationError as exc:
            self._update_errors(exc)


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    form = CallbackAdminForm
    list_display = ("name", "template", "kind", "platform", "enabled", "view_app_count")
    list_filter = ("enabled", "template__kind", "template__platform", "template__third_party")
    search_fields = ("name", "description", "template__name")
    list_select_related = ("template",)
    filter_horizontal = ("view_apps",)
    actions = ["switch_on", "switch_off"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(view_app_total=Count("view_apps"))

    @admin.display(description="Kind", ordering="template__kind")
    def kind(self, obj):
        return obj.template.get_kind_display()

    @admin.display(description="Platform", ordering="template__platform")
    def platform(self, obj):
        return obj.template.get_platform_display()

    @admin.display(description="View apps", ordering="view_app_total")
    def view_app_count(self, obj):
        return obj.view_app_total

    def save_model(self, request, obj, form, change):
        callback_save(callback=obj)

    def save_related(self, request, form, formsets, change):
        callback_view_apps_set(callback=form.instance, apps=form.cleaned_data["view_apps"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description="Switch ON (send)", permissions=["change"])
    def switch_on(self, request, queryset):
        self._enabled_set(request, queryset, enabled=True)

    @admin.action(description="Switch OFF (send nothing)", permissions=["change"])
    def switch_off(self, request, queryset):
        self._enabled_set(request, queryset, enabled=False)

    def _enabled_set(self, request, queryset, *, enabled: bool) -> None:
        for callback in queryset:
            callback.enabled = enabled
            try:
                callback_save(callback=callback)
            except ValidationError as exc:
                self.message_user(request, f"{callback}: {' '.join(exc.messages)}", messages.ERROR)
