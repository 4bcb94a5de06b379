from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from tracking.models import Delivery, DeliveryAttempt, Event, IdempotencyKey, IngestionToken
from tracking.services.delivery import deliveries_replay
from tracking.services.tokens import (
    ingestion_token_create,
    ingestion_token_revoke,
    ingestion_token_rotate,
)

SHOWN_ONCE = "Copy it now: it is not shown again."


class ReadOnlyAdmin(admin.ModelAdmin):
    """The pipeline's records are written by the pipeline only; people read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IngestionTokenForm(forms.ModelForm):
    class Meta:
        model = IngestionToken
        fields = ("name", "apps", "expires_at")


@admin.register(IngestionToken)
class IngestionTokenAdmin(admin.ModelAdmin):
    form = IngestionTokenForm
    list_display = (
        "name",
        "prefix",
        "app_names",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("apps", ("revoked_at", admin.EmptyFieldListFilter), "expires_at")
    search_fields = ("name", "prefix", "apps__name", "apps__bundle_id")
    filter_horizontal = ("apps",)
    readonly_fields = ("prefix", "created_by", "created_at", "revoked_at", "last_used_at")
    actions = ["revoke", "rotate"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by").prefetch_related("apps")

    @admin.display(description="Apps")
    def app_names(self, obj):
        return ", ".join(app.name for app in obj.apps.all())

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = ingestion_token_create(
            name=obj.name,
            apps=form.cleaned_data["apps"],
            created_by=request.user,
            expires_at=obj.expires_at,
        )
        obj.pk = token.pk
        self.message_user(request, f"Ingestion token: {raw}. {SHOWN_ONCE}", messages.WARNING)

    def save_related(self, request, form, formsets, change):
        # A new token got its apps from the service.
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            ingestion_token_revoke(token=token)

    @admin.action(
        description="Rotate selected tokens (the old one works 24 more hours)",
        permissions=["change"],
    )
    def rotate(self, request, queryset):
        for token in queryset:
            try:
                new, raw = ingestion_token_rotate(token=token, created_by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{token}: {' '.join(exc.messages)}", messages.ERROR)
                continue
            self.message_user(request, f"{new.name}: {raw}. {SHOWN_ONCE}", messages.WARNING)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("destination", "status", "attempts", "last_status_code", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "app", "name", "occurred_at", "received_at")
    list_filter = ("kind", "app__platform", "app")
    search_fields = ("=id", "name", "client_event_id", "click_id", "transaction_id")
    list_select_related = ("app",)
    date_hierarchy = "received_at"
    inlines = [DeliveryInline]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("started_at", "duration_ms", "status_code", "outcome", "partner_message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "event",
        "destination",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "short_error",
    )
    list_filter = ("status", "destination", "event__app__platform")
    search_fields = ("=event__id", "last_error", "callback__name")
    list_select_related = ("event",)
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    actions = ["replay"]

    def has_replay_permission(self, request) -> bool:
        # The list is read-only for everyone; replaying changes deliveries, so it needs that right.
        return request.user.has_perm("tracking.change_delivery")

    @admin.action(description="Replay selected failed or dead deliveries", permissions=["replay"])
    def replay(self, request, queryset):
        count = deliveries_replay(ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)

    @admin.display(description="Last error")
    def short_error(self, obj):
        return obj.last_error[:80]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ("delivery", "started_at", "duration_ms", "status_code", "outcome")
    list_filter = ("outcome", "delivery__destination")
    search_fields = ("=delivery__event__id", "partner_message")
    list_select_related = ("delivery",)
    date_hierarchy = "started_at"


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ("key", "token", "response_status", "created_at")
    search_fields = ("key", "token__prefix", "token__name")
    list_select_related = ("token",)
    date_hierarchy = "created_at"
