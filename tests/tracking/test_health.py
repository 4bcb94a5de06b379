from unittest import mock

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_with_database_and_broker_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_answers_503_when_the_broker_is_down(client, settings):
    with mock.patch("tracking.health.celery_app.connection_for_write", side_effect=OSError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"
