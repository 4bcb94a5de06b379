import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class IngestionToken(models.Model):
    """A developer's API token. Only its hash is stored; the clear token is shown once."""

    name = models.CharField(max_length=100)
    apps = models.ManyToManyField("campaigns.App", related_name="ingestion_tokens")
    prefix = models.CharField(max_length=16, db_index=True, help_text="Shown to tell tokens apart.")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    rotated_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rotated_from"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


class EventKind(models.TextChoices):
    INSTALL = "install", "Install"
    EVENT = "event", "In-app event"
    CLICK = "click", "Ad click"
    VIEW = "view", "Completed view"


class Event(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    app = models.ForeignKey("campaigns.App", on_delete=models.PROTECT, related_name="events")
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=100, blank=True, help_text="In-app event name.")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    occurred_at = models.DateTimeField()
    device_ids = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    os_version = models.CharField(max_length=32, blank=True)
    device_model = models.CharField(max_length=64, blank=True)
    app_version = models.CharField(max_length=32, blank=True)
    revenue = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    att_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Apple ATTrackingManager status: 0-3 (3 = authorized)."
    )
    att_time = models.DateTimeField(null=True, blank=True)
    att_duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    ad_services_token = models.TextField(blank=True)
    ad_services_token_created_at = models.DateTimeField(null=True, blank=True)
    click_id = models.CharField(max_length=255, blank=True)
    transaction_id = models.CharField(max_length=255, blank=True)
    properties = models.JSONField(
        default=dict, blank=True, help_text="callback_params, partner_params, custom data."
    )
    client_event_id = models.CharField(
        max_length=255, null=True, blank=True, help_text="Client's idempotency key for the record."
    )
    ingestion_token = models.ForeignKey(
        IngestionToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["app", "client_event_id"],
                condition=models.Q(client_event_id__isnull=False),
                name="event_client_id_unique_per_app",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name or ''} {self.id}".replace("  ", " ")


class Destination(models.TextChoices):
    ADJUST = "adjust", "Adjust event"
    KOCHAVA = "kochava", "Kochava"
    APPSFLYER_EVENT = "appsflyer_event", "AppsFlyer in-app event"
    APPSFLYER_CLICK = "appsflyer_click", "AppsFlyer S2S click"
    CALLBACK = "callback", "Callback"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed (permanent)"
    DEAD = "dead", "Dead (retries exhausted)"


class Delivery(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    destination = models.CharField(max_length=20, choices=Destination.choices)
    callback = models.ForeignKey(
        "partners.Callback", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    ordering_key = models.CharField(
        max_length=255, blank=True, help_text="Deliveries sharing a key are sent in time order."
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text="When it may next be sent; while sending, when the worker's claim expires.",
    )
    queued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a message for it was last handed to the broker (empty: none in flight).",
    )
    retry_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="After this, a transient failure makes it dead (empty: created + the age limit).",
    )
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, help_text="The partner's message, or why skipped.")
    warning = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["ordering_key", "status"], name="delivery_ordering_idx"),
            models.Index(fields=["destination", "status"], name="delivery_dest_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_destination_display()} for {self.event_id}: {self.status}"


class AttemptOutcome(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    WARNING = "warning", "Delivered with a warning"
    TRANSIENT = "transient", "Transient failure"
    PERMANENT = "permanent", "Permanent failure"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_rows")
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    partner_message = models.TextField(blank=True)
    request_summary = models.JSONField(
        default=dict, blank=True, help_text="Method, URL and body with secrets redacted."
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.outcome} {self.status_code or ''} at {self.started_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyKey(models.Model):
    """The first answer to an API call made with an Idempotency-Key header, replayed on retry."""

    token = models.ForeignKey(IngestionToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(
        max_length=64,
        help_text="SHA-256 of method, path and body: the same key must not be "
        "reused for a different request.",
    )
    response_status = models.PositiveSmallIntegerField()
    # JSON as ASCII text rather than a JSON column: an answer may quote a client's field name or
    # value holding characters (NUL, lone surrogates) that PostgreSQL's jsonb refuses.
    response_body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["token", "key"], name="idempotency_key_unique_per_token"
            )
        ]

    def __str__(self) -> str:
        return self.key
