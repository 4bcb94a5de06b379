"""Accepting records from the ingestion API: check, store, plan deliveries, enqueue after commit.

A single record is one transaction (the Event and its Deliveries together) plus an enqueue after
commit. A batch is bulk inserts in one transaction and one enqueue call for all its deliveries.
A record's event_id (Event.client_event_id, unique per app) makes it idempotent: a record whose
event_id was already accepted is answered with the stored one and nothing new is stored.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from campaigns.models import App, Campaign
from tracking.models import Delivery, DeliveryStatus, Destination, Event, IngestionToken
from tracking.outbox import deliveries_enqueue_on_commit
from tracking.routing import deliveries_plan
from tracking.selectors import app_by_reference
from tracking.services.door_checks import record_check

DEVICE_ID_FIELDS = (
    "idfa",
    "idfv",
    "gps_adid",
    "android_id",
    "oaid",
    "fire_adid",
    "adid",
    "appsflyer_id",
    "kochava_device_id",
    "customer_user_id",
)
PROPERTY_FIELDS = ("callback_params", "partner_params", "custom_data")
# partners.md §3: Adjust rejects events older than 58 days: they are not sent, and the delivery
# is marked failed with that reason. The record is still accepted for the other partners.
ADJUST_MAX_AGE = timedelta(days=58)
# The adapter's own words, so the reason reads the same whether decided here or at sending.
ADJUST_TOO_OLD = "The event is older than 58 days: Adjust rejects it, so it was not sent."


class TokenScopeError(Exception):
    """The token may not send records for this app."""


@dataclass(frozen=True)
class IngestResult:
    event_id: str
    body: dict
    duplicate: bool = False


def _apps():
    return App.objects.select_related(
        "adjust_config", "kochava_config", "appsflyer_config", "click_callback__template"
    ).prefetch_related("adjust_config__event_tokens")


# Each web process keeps the apps it resolved, with their partner configuration, for
# INGEST_APP_CACHE_SECONDS: the hot path then costs no query to know where a record goes. A change
# saved in this process clears it at once; other processes see it within that many seconds.
_app_cache: dict[tuple[str, str], tuple[float, App]] = {}


@receiver([post_save, post_delete, m2m_changed])
def _app_cache_clear(sender, **kwargs) -> None:
    if sender._meta.app_label in ("campaigns", "partners"):
        _app_cache.clear()


def _app_resolve(reference: str, platform: str) -> App:
    key = (reference, platform)
    ttl = settings.INGEST_APP_CACHE_SECONDS
    cached = _app_cache.get(key)
    if ttl and cached is not None and cached[0] > time.monotonic():
        return cached[1]
    app = app_by_reference(reference=reference, platform=platform, queryset=_apps())
    if ttl:
        _app_cache[key] = (time.monotonic() + ttl, app)
    return app


def _app_allowed(*, token: IngestionToken, app: App) -> App:
    if app.pk not in token.app_ids:
        raise TokenScopeError(f"This token may not send records for the app {app.pk}.")
    return app


def _campaign(app: App, reference: str) -> Campaign:
    campaigns = Campaign.objects.filter(app=app)
    found = (
        campaigns.filter(pk=int(reference)).first()
        if reference.isdigit()
        else campaigns.filter(name=reference).first()
    )
    if found is None:
        raise ValidationError({"campaign": [f"The app has no campaign '{reference[:200]}'."]})
    return found


def _event_build(
    *, token: IngestionToken, app: App, data: dict, now: datetime, campaign=None
) -> Event:
    return Event(
        kind=data["kind"],
        app=app,
        campaign=campaign,
        name=data.get("event_name", ""),
        received_at=now,
        occurred_at=data.get("occurred_at") or now,
        device_ids={name: data[name] for name in DEVICE_ID_FIELDS if data.get(name)},
        ip=data.get("ip"),
        user_agent=data.get("user_agent", ""),
        os_version=data.get("os_version", ""),
        device_model=data.get("device_model", ""),
        app_version=data.get("app_version", ""),
        revenue=data.get("revenue"),
        currency=data.get("currency", ""),
        att_status=data.get("att_status"),
        att_time=data.get("att_time"),
        att_duration_seconds=data.get("att_duration"),
        ad_services_token=data.get("ad_services_token", ""),
        ad_services_token_created_at=data.get("ad_services_token_created_at"),
        click_id=data.get("click_id", ""),
        transaction_id=data.get("transaction_id", ""),
        properties={name: data[name] for name in PROPERTY_FIELDS if name in data},
        client_event_id=data.get("event_id"),
        ingestion_token_id=token.pk,
    )


def _deliveries_plan(event: Event, now: datetime) -> list[Delivery]:
    deliveries = deliveries_plan(event)
    if now - event.occurred_at > ADJUST_MAX_AGE:
        for delivery in deliveries:
            if (
                delivery.destination == Destination.ADJUST
                and delivery.status == DeliveryStatus.PENDING
            ):
                delivery.status = DeliveryStatus.FAILED
                delivery.last_error = ADJUST_TOO_OLD
    return deliveries


def _accepted_body(event: Event, deliveries, warnings, *, duplicate: bool = False) -> dict:
    return {
        "id": str(event.id),
        "kind": event.kind,
        "duplicate": duplicate,
        "deliveries": [
            {"destination": d.destination, "status": d.status, "reason": d.last_error}
            for d in deliveries
        ],
        "warnings": warnings,
    }


def _duplicate_body(event: Event) -> dict:
    return _accepted_body(event, event.deliveries.order_by("pk"), [], duplicate=True)


def _pending_ids(deliveries) -> list[int]:
    return [d.pk for d in deliveries if d.status == DeliveryStatus.PENDING]


def _checked_event(
    *, token: IngestionToken, app: App, data: dict, now: datetime, campaigns: dict
) -> tuple[Event, list]:
    """The unsaved Event and its warnings; ValidationError with field errors when refused."""
    _app_allowed(token=token, app=app)
    check = record_check(app=app, kind=data["kind"], data=data, now=now)
    if check.errors:
        raise ValidationError(check.errors)
    campaign = None
    if data.get("campaign"):
        key = (app.pk, data["campaign"])
        if key not in campaigns:
            campaigns[key] = _campaign(app, data["campaign"])
        campaign = campaigns[key]
    return _event_build(token=token, app=app, data=data, now=now, campaign=campaign), check.warnings


def event_ingest(*, token: IngestionToken, data: dict) -> IngestResult:
    """Store one validated record (`data` from the API serializer, with its `kind`)."""
    now = timezone.now()
    app = _app_resolve(data["app"], data.get("platform", ""))
    event, warnings = _checked_event(token=token, app=app, data=data, now=now, campaigns={})
    deliveries = _deliveries_plan(event, now)
    try:
        with transaction.atomic():
            event.save(force_insert=True)
            Delivery.objects.bulk_create(deliveries)
            deliveries_enqueue_on_commit(_pending_ids(deliveries))
    except IntegrityError:
        existing = Event.objects.filter(app=app, client_event_id=event.client_event_id).first()
        if event.client_event_id is None or existing is None:
            raise
        return IngestResult(str(existing.id), _duplicate_body(existing), duplicate=True)
    return IngestResult(str(event.id), _accepted_body(event, deliveries, warnings))


# --- Batches --------------------------------------------------------------------------------------


def _rejected(errors: dict) -> dict:
    return {"accepted": False, "errors": errors}


def _batch_apps(records: list[dict]) -> dict:
    """Each (app reference, platform) of the batch resolved once: an App or a ValidationError."""
    resolved = {}
    for data in records:
        key = (data["app"], data.get("platform", ""))
        if key in resolved:
            continue
        try:
            resolved[key] = _app_resolve(*key)
        except ValidationError as exc:
            resolved[key] = exc
    return resolved


def _batch_check(*, token, records, now) -> tuple[list, list]:
    """Per record: a rejection, or an unsaved event with its warnings (in `accepted`)."""
    apps = _batch_apps(records)
    campaigns: dict = {}
    results: list = [None] * len(records)
    accepted = []
    seen: dict = {}
    for index, data in enumerate(records):
        app = apps[(data["app"], data.get("platform", ""))]
        try:
            if isinstance(app, ValidationError):
                raise app
            event, warnings = _checked_event(
                token=token, app=app, data=data, now=now, campaigns=campaigns
            )
        except ValidationError as exc:
            results[index] = _rejected(exc.message_dict)
            continue
        except TokenScopeError as exc:
            results[index] = _rejected({"app": [str(exc)]})
            continue
        client_key = (app.pk, event.client_event_id)
        if event.client_event_id is not None and client_key in seen:
            # The same event_id twice in one batch: the first one stands for both.
            results[index] = seen[client_key]
            continue
        accepted.append((index, event, warnings))
        if event.client_event_id is not None:
            seen[client_key] = index
    return results, accepted


def _batch_duplicates(accepted) -> dict:
    """Events among `accepted` that were not inserted because their event_id was known: the
    stored event for each, by (app id, event_id)."""
    with_client_id = [event for _, event, _ in accepted if event.client_event_id is not None]
    if not with_client_id:
        return {}
    inserted = set(
        Event.objects.filter(pk__in=[e.pk for e in with_client_id]).values_list("pk", flat=True)
    )
    missing = [event for event in with_client_id if event.pk not in inserted]
    if not missing:
        return {}
    stored = Event.objects.filter(
        app_id__in={e.app_id for e in missing},
        client_event_id__in=[e.client_event_id for e in missing],
    ).prefetch_related("deliveries")
    return {(e.app_id, e.client_event_id): e for e in stored}


def events_ingest_batch(*, token: IngestionToken, records: list[dict]) -> list[dict]:
    """Store validated records in bulk; one result per record, in order: accepted (with id,
    deliveries and warnings), duplicate of a known event_id, or rejected with field errors."""
    now = timezone.now()
    results, accepted = _batch_check(token=token, records=records, now=now)
    with transaction.atomic():
        Event.objects.bulk_create(
            [event for _, event, _ in accepted],
            ignore_conflicts=any(e.client_event_id is not None for _, e, _ in accepted),
        )
        duplicates = _batch_duplicates(accepted)
        deliveries = []
        for index, event, warnings in accepted:
            stored = duplicates.get((event.app_id, event.client_event_id))
            if stored is not None:
                results[index] = {"accepted": True, **_duplicate_body(stored)}
                continue
            planned = _deliveries_plan(event, now)
            deliveries.extend(planned)
            results[index] = {"accepted": True, **_accepted_body(event, planned, warnings)}
        Delivery.objects.bulk_create(deliveries)
        deliveries_enqueue_on_commit(_pending_ids(deliveries))
    # A repeated event_id inside the batch is a duplicate of its first occurrence.
    return [{**results[r], "duplicate": True} if isinstance(r, int) else r for r in results]
