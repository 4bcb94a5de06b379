"""Which destinations a record goes to, decided from the app's stored configuration at ingest.

One Delivery per destination, created in the same transaction as the Event. A destination that
is configured but cannot take this record gets a Delivery marked skipped, with the reason.
"""

from campaigns.models import App
from partners.models import CallbackKind
from tracking.models import Delivery, DeliveryStatus, Destination, Event, EventKind


def _skipped(event: Event, destination: str, reason: str, **extra) -> Delivery:
    return Delivery(
        event=event,
        destination=destination,
        status=DeliveryStatus.SKIPPED,
        last_error=reason,
        **extra,
    )


def _device_key(event: Event) -> str:
    ids = event.device_ids or {}
    for name in ("adid", "idfa", "gps_adid", "fire_adid", "oaid", "idfv", "android_id"):
        if ids.get(name):
            return f"{name}={ids[name]}"
    return ""


def _adjust(event: Event, app: App) -> Delivery | None:
    config = getattr(app, "adjust_config", None)
    if config is None:
        return None
    if event.kind == EventKind.INSTALL:
        return _skipped(event, Destination.ADJUST, "Adjust does not accept installs S2S.")
    mapping = next((m for m in config.event_tokens.all() if m.event_name == event.name), None)
    if mapping is None:
        return _skipped(
            event, Destination.ADJUST, f"Event '{event.name}' is not in the Adjust event map."
        )
    device = _device_key(event)
    # Adjust wants events in time order per device and event token, and revenue events in time
    # order per device across all revenue tokens.
    scope = "revenue" if mapping.is_revenue or event.revenue is not None else mapping.event_token
    key = f"adjust:{app.pk}:{device}:{scope}" if device else ""
    return Delivery(event=event, destination=Destination.ADJUST, ordering_key=key)


def _kochava(event: Event, app: App) -> Delivery | None:
    if getattr(app, "kochava_config", None) is None:
        return None
    return Delivery(event=event, destination=Destination.KOCHAVA)


def _appsflyer_event(event: Event, app: App) -> Delivery | None:
    if getattr(app, "appsflyer_config", None) is None:
        return None
    if event.kind == EventKind.INSTALL:
        return _skipped(
            event, Destination.APPSFLYER_EVENT, "AppsFlyer S2S takes in-app events, not installs."
        )
    return Delivery(event=event, destination=Destination.APPSFLYER_EVENT)


def _appsflyer_click(event: Event, app: App) -> Delivery | None:
    if getattr(app, "appsflyer_config", None) is None:
        return None
    return Delivery(event=event, destination=Destination.APPSFLYER_CLICK)


def _click_callback(event: Event, app: App) -> Delivery | None:
    callback = app.click_callback
    if callback is None:
        return None
    if not callback.enabled:
        return _skipped(
            event,
            Destination.CALLBACK,
            f"Click callback '{callback.name}' is OFF.",
            callback=callback,
        )
    return Delivery(event=event, destination=Destination.CALLBACK, callback=callback)


def _view_callbacks(event: Event, app: App) -> list[Delivery]:
    callbacks = app.view_callbacks.filter(template__kind=CallbackKind.VIEW, enabled=True)
    return [Delivery(event=event, destination=Destination.CALLBACK, callback=c) for c in callbacks]


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
