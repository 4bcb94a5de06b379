"""Which destinations a record goes to, decided from the app's stored configuration at ingest.

One Delivery per destination, created in the same transaction as the Event. A destination that
is configured but cannot take this record gets a Delivery marked skipped, with the reason.
Deliveries that must wait (AppsFlyer events right after an install) get their `next_attempt_at`
here; the others are due at once and are marked queued, since the ingest queues them on commit.
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from campaigns.models import App
from partners.models import CallbackKind
from tracking.models import Delivery, DeliveryStatus, Destination, Event, EventKind

# Device ids that identify one device for Adjust's ordering rule, most specific first.
ORDERING_DEVICE_IDS = (
    "adid",
    "idfa",
    "gps_adid",
    "fire_adid",
    "oaid",
    "web_uuid",
    "idfv",
    "android_id",
)


def _skipped(event: Event, destination: str, reason: str, **extra) -> Delivery:
    return Delivery(
        event=event,
        destination=destination,
        status=DeliveryStatus.SKIPPED,
        last_error=reason,
        **extra,
    )


def _due(event: Event, destination: str, *, at: datetime | None = None, **extra) -> Delivery:
    now = timezone.now()
    if at is not None and at > now:
        return Delivery(event=event, destination=destination, next_attempt_at=at, **extra)
    return Delivery(
        event=event, destination=destination, next_attempt_at=now, queued_at=now, **extra
    )


def _device_key(event: Event) -> str:
    ids = event.device_ids if isinstance(event.device_ids, dict) else {}
    for name in ORDERING_DEVICE_IDS:
        if ids.get(name):
            return f"{name}={ids[name]}"
    return ""


def adjust_ordering_key(event: Event, *, event_token: str, is_revenue: bool) -> str:
    """partners.md 3, Ordering: time order per device and event token, and per device across all
    revenue event tokens. Deliveries sharing a key are sent in occurred-time order."""
    device = _device_key(event)
    if not device:
        return ""
    scope = "revenue" if is_revenue or event.revenue is not None else f"token={event_token}"
    return f"adjust:{event.app_id}:{device}:{scope}"


def _adjust(event: Event, app: App) -> Delivery | None:
    config = getattr(app, "adjust_config", None)
    if config is None:
        return None
    if event.kind == EventKind.INSTALL:
        return _skipped(
            event, Destination.ADJUST, "Adjust does not accept installs server to server."
        )
    mapping = next((m for m in config.event_tokens.all() if m.event_name == event.name), None)
    if mapping is None:
        return _skipped(
            event,
            Destination.ADJUST,
            f"Event '{event.name}' is not in the Adjust event map: add it in the app's Adjust "
            "settings to send it.",
        )
    key = adjust_ordering_key(event, event_token=mapping.event_token, is_revenue=mapping.is_revenue)
    return _due(event, Destination.ADJUST, ordering_key=key)


def _kochava(event: Event, app: App) -> Delivery | None:
    if getattr(app, "kochava_config", None) is None:
        return None
    return _due(event, Destination.KOCHAVA)


def _install_hold_until(event: Event, delay_seconds: int) -> datetime | None:
    """partners.md 5: events right after an install wait the app's post-install delay, counted
    from the install of the same device that we received."""
    ids = event.device_ids if isinstance(event.device_ids, dict) else {}
    same_device = Q()
    for name, value in ids.items():
        if isinstance(value, str) and value:
            same_device |= Q(**{f"device_ids__{name}": value})
    if not delay_seconds or not same_device:
        return None
    delay = timedelta(seconds=delay_seconds)
    install = (
        Event.objects.filter(app_id=event.app_id, kind=EventKind.INSTALL)
        .filter(received_at__gte=event.received_at - delay)
        .filter(same_device)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    return install + delay if install else None


def _appsflyer_event(event: Event, app: App) -> Delivery | None:
    config = getattr(app, "appsflyer_config", None)
    if config is None:
        return None
    if event.kind == EventKind.INSTALL:
        return _skipped(
            event, Destination.APPSFLYER_EVENT, "AppsFlyer S2S takes in-app events, not installs."
        )
    hold_until = _install_hold_until(event, config.post_install_delay_seconds)
    return _due(event, Destination.APPSFLYER_EVENT, at=hold_until)


def _appsflyer_click(event: Event, app: App) -> Delivery | None:
    if getattr(app, "appsflyer_config", None) is None:
        return None
    return _due(event, Destination.APPSFLYER_CLICK)


def _click_callback(event: Event, app: App) -> Delivery | None:
    callback = app.click_callback
    if callback is None:
        return None
    if not callback.enabled:
        return _skipped(
            event,
            Destination.CALLBACK,
            f"Click callback '{callback.name}' is OFF: switch it ON to send clicks.",
            callback=callback,
        )
    return _due(event, Destination.CALLBACK, callback=callback)


def _view_callbacks(event: Event, app: App) -> list[Delivery]:
    callbacks = app.view_callbacks.filter(template__kind=CallbackKind.VIEW).order_by("pk")
    return [
        _due(event, Destination.CALLBACK, callback=callback)
        if callback.enabled
        else _skipped(
            event,
            Destination.CALLBACK,
            f"Completed-view callback '{callback.name}' is OFF: switch it ON to send views.",
            callback=callback,
        )
        for callback in callbacks
    ]


def deliveries_plan(event: Event) -> list[Delivery]:
    """The Delivery rows (unsaved) for a new event, skips included."""
    app = event.app
    if event.kind in (EventKind.INSTALL, EventKind.EVENT):
        planned = [_adjust(event, app), _appsflyer_event(event, app), _kochava(event, app)]
    elif event.kind == EventKind.CLICK:
        planned = [_appsflyer_click(event, app), _click_callback(event, app)]
    else:
        planned = _view_callbacks(event, app)
    return [delivery for delivery in planned if delivery is not None]
