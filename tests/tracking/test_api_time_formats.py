"""Occurred times: ISO 8601 with a timezone, epoch seconds or epoch milliseconds; nothing else."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import IosAppFactory
from tests.tracking.api_support import api_for, ios_event
from tracking.models import Event

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-20T12:00:00Z",
        "2026-11-20T12:00:00+00:00",
        "2026-11-20T13:00:00+01:00",
        "2026-11-20T07:00:00-0500",
        "2026-11-20T12:00:00.000+0000",
        "2026-11-20 12:00:00Z",
        "2026-11-20T12:00Z",
        1795176000,
        1795176000.0,
        1795176000000,
    ],
)
def test_accepted_time_formats_all_mean_the_same_moment(value):
    app = IosAppFactory()

    response = api_for(app).post("events/", ios_event(app, occurred_at=value))

    assert response.status_code == 202
    assert Event.objects.get().occurred_at == MOMENT


def test_epoch_milliseconds_keep_their_fraction():
    app = IosAppFactory()

    api_for(app).post("events/", ios_event(app, occurred_at=1795176000123))

    assert Event.objects.get().occurred_at == MOMENT + timedelta(milliseconds=123)


def test_a_record_without_a_time_is_stamped_on_arrival():
    app = IosAppFactory()
    before = timezone.now()

    api_for(app).post("events/", ios_event(app))

    assert before <= Event.objects.get().occurred_at <= timezone.now()


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-20T12:00:00",
        "2026-11-20",
        "20/11/2026 12:00",
        "Fri, 20 Nov 2026 12:00:00 GMT",
        "1795176000",
        "yesterday",
        "",
        True,
        None,
        [1795176000],
        {"seconds": 1795176000},
        -1,
        12345,
        99999999999,
        1e20,
        "1999-12-31T23:59:59Z",
    ],
)
def test_other_time_formats_are_refused(value):
    app = IosAppFactory()

    response = api_for(app).post("events/", ios_event(app, occurred_at=value))

    assert response.status_code == 400
    assert "occurred_at" in response.json()


def test_a_time_more_than_an_hour_ahead_is_refused():
    app = IosAppFactory()
    ahead = (timezone.now() + timedelta(hours=2)).isoformat()

    response = api_for(app).post("events/", ios_event(app, occurred_at=ahead))

    assert response.status_code == 400


def test_att_time_takes_the_same_formats():
    app = IosAppFactory()

    response = api_for(app).post(
        "installs/", {"app": app.pk, "att_status": 3, "att_time": 1795176000}
    )

    assert response.status_code == 202
    assert Event.objects.get().att_time == MOMENT
