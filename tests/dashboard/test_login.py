import pytest
from django.urls import reverse

from tests.dashboard.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get("/apps/")

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_signing_in_shows_who_is_signed_in(client, marketer):
    response = client.post(LOGIN, {"username": "mia.marketer", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("campaigns:app_list")
    assert b'data-testid="signed-in-user">mia.marketer<' in response.content
    assert b"Marketer" in response.content


def test_a_wrong_password_is_an_error_that_keeps_the_username(client, marketer):
    response = client.post(LOGIN, {"username": "mia.marketer", "password": "wrong"})

    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="mia.marketer"' in response.content


def test_sign_in_is_refused_after_too_many_failures_even_with_the_right_password(
    client, marketer, settings
):
    settings.LOGIN_RATE_LIMIT = 3
    for _ in range(3):
        client.post(LOGIN, {"username": "mia.marketer", "password": "wrong"})

    response = client.post(LOGIN, {"username": "mia.marketer", "password": PASSWORD})

    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert b'value="mia.marketer"' in response.content
    assert "_auth_user_id" not in client.session


def test_the_limit_is_per_username_so_other_accounts_still_sign_in(
    client, marketer, admin, settings
):
    settings.LOGIN_RATE_LIMIT = 2
    for _ in range(2):
        client.post(LOGIN, {"username": "mia.marketer", "password": "wrong"})

    response = client.post(LOGIN, {"username": "ada.admin", "password": PASSWORD})

    assert response.status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, marketer, settings):
    settings.LOGIN_RATE_LIMIT = 2
    client.post(LOGIN, {"username": "mia.marketer", "password": "wrong"})
    client.post(LOGIN, {"username": "mia.marketer", "password": PASSWORD})
    client.post("/accounts/logout/")
    client.post(LOGIN, {"username": "mia.marketer", "password": "wrong"})

    response = client.post(LOGIN, {"username": "mia.marketer", "password": PASSWORD})

    assert response.status_code == 302


def test_sign_out_is_a_post(as_marketer):
    assert as_marketer.get("/accounts/logout/").status_code == 405

    response = as_marketer.post("/accounts/logout/")

    assert response.status_code == 302
    assert as_marketer.get("/apps/").status_code == 302
