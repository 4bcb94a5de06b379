"""The API's answers besides 202 and 400: 401, 403, 413, 415, 429, and never a 500."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from tests.factories import IosAppFactory
from tests.tracking.api_support import ApiClient, api_for, ios_event
from tracking.models import Event
from tracking.services.tokens import ingestion_token_revoke, ingestion_token_rotate

pytestmark = pytest.mark.django_db


def _later(delta: timedelta):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + delta)


def test_no_token_is_401_with_the_bearer_challenge():
    app = IosAppFactory()

    response = ApiClient(None).post("events/", ios_event(app))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer s2s_000000000000_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "s2s_x_y"]
)
def test_an_invalid_token_is_401(header):
    app = IosAppFactory()
    api = api_for(app)

    response = api.client.post(
        "/api/v1/events/",
        data=json.dumps(ios_event(app)),
        content_type="application/json",
        headers={"Authorization": header},
    )

    assert response.status_code == 401
    assert not Event.objects.exists()


def test_an_expired_token_is_401():
    app = IosAppFactory()
    api = api_for(app, expires_at=timezone.now() + timedelta(days=1))

    with _later(timedelta(days=1, seconds=1)):
        response = api.post("events/", ios_event(app))

    assert response.status_code == 401


def test_a_revoked_token_is_401_at_once():
    app = IosAppFactory()
    api = api_for(app)
    assert api.post("events/", ios_event(app)).status_code == 202

    ingestion_token_revoke(token=api.token)

    assert api.post("events/", ios_event(app)).status_code == 401


def test_after_rotation_both_tokens_work_until_the_grace_period_ends():
    app = IosAppFactory()
    old = api_for(app)
    _, new_raw = ingestion_token_rotate(token=old.token, grace=timedelta(hours=1))
    new = ApiClient(new_raw)

    assert old.post("events/", ios_event(app)).status_code == 202
    assert new.post("events/", ios_event(app)).status_code == 202
    with _later(timedelta(hours=1, seconds=1)):
        assert old.post("events/", ios_event(app)).status_code == 401
        assert new.post("events/", ios_event(app)).status_code == 202


def test_a_token_not_allowed_for_the_app_is_403():
    allowed, other = IosAppFactory(), IosAppFactory()

    response = api_for(allowed).post("events/", ios_event(other))

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_a_body_over_the_limit_is_a_clean_413(settings):
    settings.INGEST_MAX_BODY_BYTES = 1024
    app = IosAppFactory()

    response = api_for(app).post("events/", ios_event(app, custom_data={"pad": "x" * 2000}))

    assert response.status_code == 413
    assert "detail" in response.json()


def test_a_body_over_one_megabyte_is_413_by_default():
    app = IosAppFactory()

    response = api_for(app).post("events/", ios_event(app, custom_data={"pad": "x" * 2**20}))

    assert response.status_code == 413


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_a_body_that_is_not_json_is_415(content_type):
    app = IosAppFactory()

    response = api_for(app).post(
        "events/", body=json.dumps(ios_event(app)), content_type=content_type
    )

    assert response.status_code == 415


def test_over_the_rate_limit_is_429_with_retry_after(settings):
    settings.INGEST_RATE_LIMIT = "3/min"
    app = IosAppFactory()
    api = api_for(app)

    codes = [api.post("events/", ios_event(app)).status_code for _ in range(4)]
    response = api.post("events/", ios_event(app))

    assert codes == [202, 202, 202, 429]
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_rate_limit_is_per_token(settings):
    settings.INGEST_RATE_LIMIT = "1/min"
    app = IosAppFactory()
    first, second = api_for(app), api_for(app)

    first.post("events/", ios_event(app))

    assert first.post("events/", ios_event(app)).status_code == 429
    assert second.post("events/", ios_event(app)).status_code == 202


@pytest.mark.parametrize(
    "body",
    [
        "{",
        "",
        "null",
        "[]",
        '"text"',
        "42",
        '{"app": NaN}',
        '{"revenue": Infinity}',
        '{"occurred_at": 1e999}',
        "[" * 50000 + "]" * 50000,
        '{"app": 1' + "0" * 5000 + "}",
        b"\xff\xfe\x00garbage",
        '{"app": "\\ud800"}',
        '{"app": "com.example\\u0000"}',
        '{"\\ud800": 1}',
        '{"platform": "\\udfff"}',
    ],
)
def test_malformed_bodies_are_400_never_500(body):
    app = IosAppFactory()

    response = api_for(app).post("events/", body=body)

    assert response.status_code == 400
    response.json()
