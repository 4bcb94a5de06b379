"""Reads behind the dashboard's ingestion-token page and delivery monitor."""

import uuid
from datetime import timedelta

from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from tracking.access import user_is_admin
from tracking.models import Delivery, DeliveryStatus, Destination, Event, IngestionToken

MONITOR_WINDOW = timedelta(hours=24)
FAILED_STATUSES = (DeliveryStatus.FAILED, DeliveryStatus.DEAD)
# Shorter device-id fragments would match nearly every event.
DEVICE_SEARCH_MIN_CHARS = 6


def ingestion_tokens_visible(*, user):
    """Admins see every token; a Developer sees the tokens it created (its apps are theirs)."""
    tokens = IngestionToken.objects.prefetch_related("apps").select_related(
        "created_by", "rotated_to"
    )
    if user_is_admin(user):
        return tokens
    return tokens.filter(created_by=user)


def delivery_status_counts(*, since=None, app=None) -> list[dict]:
    """Deliveries created since `since` (default: the last 24 h) per app, destination, status."""
    since = since or timezone.now() - MONITOR_WINDOW
    rows = Delivery.objects.filter(created_at__gte=since)
    if app is not None:
        rows = rows.filter(event__app=app)
    return list(
        rows.values("event__app__name", "destination", "status")
        .annotate(count=Count("id"))
        .order_by("event__app__name", "destination", "status")
    )


def deliveries_failed_recent(*, app=None, limit: int = 50):
    rows = Delivery.objects.filter(status__in=FAILED_STATUSES)
    if app is not None:
        rows = rows.filter(event__app=app)
    return rows.select_related("event__app", "callback").order_by("-updated_at")[:limit]


def events_search(*, query: str, limit: int = 20):
    """Events by id, or by a device id (any of idfa, gaid, ...) containing the text typed."""
    query = query.strip()
    events = Event.objects.select_related("app").prefetch_related("deliveries")
    try:
        return events.filter(pk=uuid.UUID(query))[:limit]
    except ValueError:
        pass
    if len(query) < DEVICE_SEARCH_MIN_CHARS:
        return events.none()
    # The JSON as text works alike on SQLite and PostgreSQL, whatever the device-id key.
    return (
        events.annotate(device_text=Cast("device_ids", TextField()))
        .filter(Q(device_text__icontains=query))
        .order_by("-received_at")[:limit]
    )


def delivery_status_chart(rows: list[dict]) -> dict:
    """The counts as a stacked bar chart: one bar per app and destination, one colour per status."""
    destinations = dict(Destination.choices)

    def label(row: dict) -> str:
        destination = destinations.get(row["destination"], row["destination"])
        return f"{row['event__app__name']} · {destination}"

    labels = list(dict.fromkeys(label(row) for row in rows))
    datasets = []
    for status, status_label in DeliveryStatus.choices:
        per_label = {label(row): row["count"] for row in rows if row["status"] == status}
        if per_label:
            datasets.append(
                {
                    "label": status_label,
                    "status": status,
                    "data": [per_label.get(name, 0) for name in labels],
                }
            )
    return {"labels": labels, "datasets": datasets}
