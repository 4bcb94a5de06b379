"""Isolation between destinations. A destination that fails many times in a row is paused briefly
(circuit breaker) instead of being hammered: its deliveries wait without an attempt and one probe
tests it after the pause. A destination never holds more than its share of requests in flight."""

from datetime import timedelta

import pytest
import responses
from django.core.cache import cache
from django.utils import timezone

from tests.tracking.conftest import delivery_for
from tracking.models import Delivery, DeliveryStatus, Destination
from tracking.services.delivery import delivery_attempt

KOCHAVA = "https://control.kochava.com/track/json"
ADJUST = "https://s2s.adjust.com/event"


@pytest.fixture
def breaker(settings):
    settings.DELIVERY_CIRCUIT_FAILURES = 3
    settings.DELIVERY_CIRCUIT_PAUSE_SECONDS = 30
    cache.clear()
    yield settings
    cache.clear()


def fail_kochava(app, times: int) -> None:
    for _ in range(times):
        delivery_attempt(delivery_id=delivery_for(app, Destination.KOCHAVA).pk)


def open_circuit_for_no_time(app, settings) -> None:
    """Open Kochava's circuit with a pause that is over at once, leaving the usual pause for any
    later reopening."""
    settings.DELIVERY_CIRCUIT_PAUSE_SECONDS = 0
    fail_kochava(app, 3)
    settings.DELIVERY_CIRCUIT_PAUSE_SECONDS = 30


@responses.activate
def test_destination_failing_n_times_in_a_row_is_paused(partner_app, breaker):
    responses.post(KOCHAVA, status=503)
    fail_kochava(partner_app, 3)
    waiting = delivery_for(partner_app, Destination.KOCHAVA)

    delivery_attempt(delivery_id=waiting.pk)

    waiting.refresh_from_db()
    assert len(responses.calls) == 3
    assert waiting.status == DeliveryStatus.PENDING
    assert waiting.attempts == 0
    assert waiting.next_attempt_at >= timezone.now() + timedelta(seconds=29)
    assert "paused" in waiting.last_error


@responses.activate
def test_a_success_resets_the_count_of_failures(partner_app, breaker):
    responses.post(KOCHAVA, status=503)
    fail_kochava(partner_app, 2)
    responses.replace(responses.POST, KOCHAVA, status=200)
    fail_kochava(partner_app, 1)
    responses.replace(responses.POST, KOCHAVA, status=503)
    fail_kochava(partner_app, 2)

    delivery_attempt(delivery_id=delivery_for(partner_app, Destination.KOCHAVA).pk)

    assert len(responses.calls) == 6


@responses.activate
def test_paused_destination_does_not_hold_the_others(partner_app, breaker):
    responses.post(KOCHAVA, status=503)
    responses.get(ADJUST, body="OK")
    fail_kochava(partner_app, 3)
    # Another device: the failing records' own Adjust deliveries would come first in its order.
    adjust = delivery_for(partner_app, Destination.ADJUST, device_ids={"idfa": "OTHER-DEVICE"})

    delivery_attempt(delivery_id=adjust.pk)

    assert Delivery.objects.get(pk=adjust.pk).status == DeliveryStatus.DELIVERED


@responses.activate
def test_after_the_pause_one_probe_goes_and_its_success_closes_the_circuit(partner_app, breaker):
    responses.post(KOCHAVA, status=503)
    open_circuit_for_no_time(partner_app, breaker)
    responses.replace(responses.POST, KOCHAVA, status=200)
    probe = delivery_for(partner_app, Destination.KOCHAVA)
    following = delivery_for(partner_app, Destination.KOCHAVA)

    delivery_attempt(delivery_id=probe.pk)
    delivery_attempt(delivery_id=following.pk)

    assert Delivery.objects.get(pk=probe.pk).status == DeliveryStatus.DELIVERED
    assert Delivery.objects.get(pk=following.pk).status == DeliveryStatus.DELIVERED


@responses.activate
def test_a_failed_probe_pauses_the_destination_again(partner_app, breaker):
    responses.post(KOCHAVA, status=503)
    open_circuit_for_no_time(partner_app, breaker)
    probe = delivery_for(partner_app, Destination.KOCHAVA)
    following = delivery_for(partner_app, Destination.KOCHAVA)

    delivery_attempt(delivery_id=probe.pk)
    delivery_attempt(delivery_id=following.pk)

    following.refresh_from_db()
    assert len(responses.calls) == 4
    assert following.attempts == 0
    assert following.next_attempt_at >= timezone.now() + timedelta(seconds=29)


@responses.activate
def test_destination_with_its_share_of_requests_in_flight_waits_for_a_free_slot(
    partner_app, breaker, settings
):
    settings.DELIVERY_MAX_IN_FLIGHT_PER_DESTINATION = 2
    for worker in range(2):  # two workers' claims, each with its own lease
        Delivery.objects.filter(pk=delivery_for(partner_app, Destination.KOCHAVA).pk).update(
            status=DeliveryStatus.SENDING,
            next_attempt_at=timezone.now() + timedelta(seconds=60 + worker),
        )
    waiting = delivery_for(partner_app, Destination.KOCHAVA)

    delivery_attempt(delivery_id=waiting.pk)

    waiting.refresh_from_db()
    assert len(responses.calls) == 0
    assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, 0)
    assert "waiting for a free slot" in waiting.last_error
