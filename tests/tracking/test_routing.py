"""Routing: which destinations a record goes to, from the app's stored configuration."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partners.models import CallbackKind
from tests.factories import (
    AdjustConfigFactory,
    AdjustEventTokenFactory,
    AppsFlyerConfigFactory,
    CallbackFactory,
    CallbackTemplateFactory,
    EventFactory,
    IosAppFactory,
    KochavaConfigFactory,
)
from tracking.models import DeliveryStatus, Destination, EventKind
from tracking.routing import deliveries_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    """An app configured for Adjust (purchase in the event map), AppsFlyer and Kochava."""
    app = IosAppFactory()
    AdjustEventTokenFactory(config=AdjustConfigFactory(app=app), event_name="purchase")
    AppsFlyerConfigFactory(app=app)
    KochavaConfigFactory(app=app)
    return app


def by_destination(deliveries):
    return {delivery.destination: delivery for delivery in deliveries}


def test_install_goes_to_kochava_and_is_skipped_for_adjust_with_the_reason(app):
    """partners.md 3, Not accepted S2S: installs. partners.md 2: one POST per install."""
    install = EventFactory(app=app, kind=EventKind.INSTALL, name="")

    planned = by_destination(deliveries_plan(install))

    assert planned[Destination.KOCHAVA].status == DeliveryStatus.PENDING
    assert planned[Destination.ADJUST].status == DeliveryStatus.SKIPPED
    assert "does not accept installs" in planned[Destination.ADJUST].last_error


def test_install_is_skipped_for_appsflyer_which_takes_in_app_events(app):
    """partners.md 5: AppsFlyer S2S in-app events."""
    install = EventFactory(app=app, kind=EventKind.INSTALL, name="")

    planned = by_destination(deliveries_plan(install))

    assert planned[Destination.APPSFLYER_EVENT].status == DeliveryStatus.SKIPPED
    assert "not installs" in planned[Destination.APPSFLYER_EVENT].last_error


def test_mapped_event_goes_to_adjust_appsflyer_and_kochava(app):
    event = EventFactory(app=app, name="purchase")

    planned = by_destination(deliveries_plan(event))

    assert set(planned) == {
        Destination.ADJUST,
        Destination.APPSFLYER_EVENT,
        Destination.KOCHAVA,
    }
    assert {d.status for d in planned.values()} == {DeliveryStatus.PENDING}


def test_event_missing_from_the_adjust_event_map_is_skipped_naming_the_event(app):
    """partners.md 3, Always: the app's event map turns our event name into Adjust's token."""
    event = EventFactory(app=app, name="level_up")

    adjust = by_destination(deliveries_plan(event))[Destination.ADJUST]

    assert adjust.status == DeliveryStatus.SKIPPED
    assert "'level_up' is not in the Adjust event map" in adjust.last_error


def test_adjust_events_are_ordered_per_device_and_event_token(app):
    """partners.md 3, Ordering: chronological order per device and event token."""
    AdjustEventTokenFactory(config=app.adjust_config, event_name="tutorial", event_token="tut123")
    purchase = EventFactory(app=app, name="purchase")
    tutorial = EventFactory(app=app, name="tutorial")

    purchase_key = by_destination(deliveries_plan(purchase))[Destination.ADJUST].ordering_key
    tutorial_key = by_destination(deliveries_plan(tutorial))[Destination.ADJUST].ordering_key

    idfa = purchase.device_ids["idfa"]
    assert purchase_key == f"adjust:{app.pk}:idfa={idfa}:token=xyzklm"
    assert tutorial_key == f"adjust:{app.pk}:idfa={idfa}:token=tut123"


def test_adjust_revenue_events_share_one_order_per_device_across_tokens(app):
    """partners.md 3, Ordering: revenue events in chronological order per device across all
    revenue event tokens."""
    AdjustEventTokenFactory(
        config=app.adjust_config, event_name="subscribe", event_token="sub123", is_revenue=True
    )
    purchase = EventFactory(app=app, name="purchase", revenue="4.99", currency="USD")
    subscribe = EventFactory(app=app, name="subscribe")

    purchase_key = by_destination(deliveries_plan(purchase))[Destination.ADJUST].ordering_key
    subscribe_key = by_destination(deliveries_plan(subscribe))[Destination.ADJUST].ordering_key

    assert purchase_key == subscribe_key
    assert purchase_key.endswith(":revenue")


def test_adjust_events_of_different_devices_do_not_wait_for_each_other(app):
    one = EventFactory(app=app, device_ids={"idfa": "AAAA"})
    other = EventFactory(app=app, device_ids={"idfa": "BBBB"})

    one_key = by_destination(deliveries_plan(one))[Destination.ADJUST].ordering_key
    other_key = by_destination(deliveries_plan(other))[Destination.ADJUST].ordering_key

    assert one_key != other_key


def test_click_goes_to_the_appsflyer_click_and_the_apps_click_callback_when_on(app):
    """partners.md 1, Firing: each attached callback that is ON; partners.md 4: S2S clicks."""
    app.click_callback = CallbackFactory(enabled=True)
    app.save()
    click = EventFactory(app=app, kind=EventKind.CLICK, name="")

    planned = deliveries_plan(click)

    assert [(d.destination, d.status) for d in planned] == [
        (Destination.APPSFLYER_CLICK, DeliveryStatus.PENDING),
        (Destination.CALLBACK, DeliveryStatus.PENDING),
    ]
    assert planned[1].callback == app.click_callback


def test_click_callback_that_is_off_is_skipped_with_the_reason(app):
    """partners.md 1: a callback that is OFF sends nothing."""
    app.click_callback = CallbackFactory(enabled=False, name="Tune click")
    app.save()
    click = EventFactory(app=app, kind=EventKind.CLICK, name="")

    callback = by_destination(deliveries_plan(click))[Destination.CALLBACK]

    assert callback.status == DeliveryStatus.SKIPPED
    assert callback.last_error.startswith("Click callback 'Tune click' is OFF")


def test_completed_view_goes_to_every_on_view_callback_ticking_the_app(app):
    """partners.md 1, Completed-view callbacks: tick the View column for each app; OFF to ON."""
    view_template = CallbackTemplateFactory(kind=CallbackKind.VIEW)
    ticked = [CallbackFactory(template=view_template, enabled=True) for _ in range(2)]
    for callback in ticked:
        callback.view_apps.add(app)
    CallbackFactory(template=view_template, enabled=True)  # not ticked for this app
    view = EventFactory(app=app, kind=EventKind.VIEW, name="")

    planned = deliveries_plan(view)

    assert [d.callback for d in planned] == ticked
    assert {d.status for d in planned} == {DeliveryStatus.PENDING}


def test_completed_view_callback_that_is_off_is_skipped_with_the_reason(app):
    """partners.md 1: a callback that is OFF sends nothing."""
    callback = CallbackFactory(
        template=CallbackTemplateFactory(kind=CallbackKind.VIEW), enabled=False, name="Tune view"
    )
    callback.view_apps.add(app)
    view = EventFactory(app=app, kind=EventKind.VIEW, name="")

    [planned] = deliveries_plan(view)

    assert planned.status == DeliveryStatus.SKIPPED
    assert planned.last_error.startswith("Completed-view callback 'Tune view' is OFF")


def test_app_without_partner_configuration_gets_no_deliveries():
    event = EventFactory(app=IosAppFactory(), name="purchase")

    assert deliveries_plan(event) == []


def test_due_deliveries_are_marked_queued_since_ingest_queues_them_on_commit(app):
    event = EventFactory(app=app, name="purchase")

    planned = deliveries_plan(event)

    assert all(d.queued_at is not None and d.next_attempt_at <= timezone.now() for d in planned)


def test_appsflyer_event_right_after_an_install_waits_the_apps_post_install_delay(app):
    """partners.md 5: events right after an install: hold them a short, configurable delay."""
    app.appsflyer_config.post_install_delay_seconds = 30
    app.appsflyer_config.save()
    installed_at = timezone.now() - timedelta(seconds=5)
    EventFactory(app=app, kind=EventKind.INSTALL, name="", received_at=installed_at)
    event = EventFactory(app=app, name="purchase")

    appsflyer = by_destination(deliveries_plan(event))[Destination.APPSFLYER_EVENT]

    assert appsflyer.next_attempt_at == installed_at + timedelta(seconds=30)
    assert appsflyer.queued_at is None  # the sweep queues it when due


def test_appsflyer_event_long_after_the_install_is_sent_at_once(app):
    """partners.md 5: only events right after an install are held."""
    app.appsflyer_config.post_install_delay_seconds = 30
    app.appsflyer_config.save()
    EventFactory(
        app=app,
        kind=EventKind.INSTALL,
        name="",
        received_at=timezone.now() - timedelta(minutes=5),
    )
    event = EventFactory(app=app, name="purchase")

    appsflyer = by_destination(deliveries_plan(event))[Destination.APPSFLYER_EVENT]

    assert appsflyer.next_attempt_at <= timezone.now()


def test_install_of_another_device_does_not_hold_appsflyer_events(app):
    """partners.md 5: the hold follows the install of the same device."""
    app.appsflyer_config.post_install_delay_seconds = 30
    app.appsflyer_config.save()
    EventFactory(app=app, kind=EventKind.INSTALL, name="", device_ids={"idfa": "OTHER"})
    event = EventFactory(app=app, name="purchase")

    appsflyer = by_destination(deliveries_plan(event))[Destination.APPSFLYER_EVENT]

    assert appsflyer.next_attempt_at <= timezone.now()
