"""The retry schedule: exponential steps from settings, jitter, the age limit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tracking.models import Delivery
from tracking.services.delivery import delivery_retry_at

SCHEDULE = [10.0, 60.0, 300.0]


@pytest.fixture
def fresh_delivery(settings):
    settings.DELIVERY_RETRY_SCHEDULE = SCHEDULE
    settings.DELIVERY_RETRY_JITTER = 0
    settings.DELIVERY_MAX_AGE_HOURS = 24
    return Delivery(created_at=timezone.now())


@pytest.mark.parametrize(("attempt", "wait"), [(1, 10), (2, 60), (3, 300), (4, 300), (9, 300)])
def test_nth_failure_waits_the_nth_step_and_the_last_step_repeats(fresh_delivery, attempt, wait):
    now = timezone.now()

    retry_at = delivery_retry_at(
        delivery=fresh_delivery, attempt=attempt, retry_after=None, now=now
    )

    assert retry_at == now + timedelta(seconds=wait)


def test_jitter_spreads_each_wait_around_its_step(fresh_delivery, settings):
    settings.DELIVERY_RETRY_JITTER = 0.2
    now = timezone.now()

    waits = {
        (
            delivery_retry_at(delivery=fresh_delivery, attempt=2, retry_after=None, now=now) - now
        ).total_seconds()
        for _ in range(50)
    }

    assert all(48 <= wait <= 72 for wait in waits)
    assert len(waits) > 10


def test_retry_after_wins_over_the_schedule(fresh_delivery):
    now = timezone.now()

    retry_at = delivery_retry_at(delivery=fresh_delivery, attempt=1, retry_after=3600, now=now)

    assert retry_at == now + timedelta(seconds=3600)


def test_no_retry_past_the_age_limit(fresh_delivery):
    fresh_delivery.created_at = timezone.now() - timedelta(hours=23, minutes=58)

    retry_at = delivery_retry_at(
        delivery=fresh_delivery, attempt=3, retry_after=None, now=timezone.now()
    )

    assert retry_at is None


def test_replayed_delivery_counts_its_age_from_the_replay(fresh_delivery):
    fresh_delivery.created_at = timezone.now() - timedelta(days=3)
    fresh_delivery.retry_until = timezone.now() + timedelta(hours=20)
    now = timezone.now()

    retry_at = delivery_retry_at(delivery=fresh_delivery, attempt=1, retry_after=None, now=now)

    assert retry_at == now + timedelta(seconds=10)
