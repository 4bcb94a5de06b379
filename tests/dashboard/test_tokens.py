import pytest
from django.utils import timezone

from tests.factories import IosAppFactory, UserFactory
from tracking.models import IngestionToken
from tracking.services.tokens import ingestion_token_authenticate, ingestion_token_create

pytestmark = pytest.mark.django_db


def test_a_created_token_is_shown_once_and_works(as_developer, developer):
    app = IosAppFactory()

    response = as_developer.post("/tokens/new/", {"name": "game server", "apps": [app.pk]})

    clear = response.context["new_secret"]
    assert f'data-testid="new-secret">{clear}<'.encode() in response.content
    assert ingestion_token_authenticate(raw=clear).created_by == developer
    assert clear.encode() not in as_developer.get("/tokens/").content


def test_a_token_without_apps_is_refused_on_the_field_and_keeps_the_name(as_admin):
    response = as_admin.post("/tokens/new/", {"name": "game server"})

    assert response.status_code == 400
    assert response.context["create_form"].errors["apps"]
    assert b'value="game server"' in response.content
    assert not IngestionToken.objects.exists()


def test_a_developer_sees_only_the_tokens_it_created(as_developer, developer):
    app = IosAppFactory()
    ingestion_token_create(name="mine", apps=[app], created_by=developer)
    ingestion_token_create(name="someone else's", apps=[app], created_by=UserFactory())

    html = as_developer.get("/tokens/").content.decode()

    assert 'data-token="mine"' in html
    assert "someone else" not in html


def test_a_developer_cannot_rotate_another_users_token(as_developer):
    token, _ = ingestion_token_create(name="other", apps=[IosAppFactory()])

    assert as_developer.post(f"/tokens/{token.pk}/rotate/", {"grace_hours": "1"}).status_code == 404


def test_an_admin_sees_every_token(as_admin):
    ingestion_token_create(name="someone else's", apps=[IosAppFactory()], created_by=UserFactory())

    assert b"someone else" in as_admin.get("/tokens/").content


def test_rotating_shows_the_new_token_once_and_keeps_the_old_one_for_the_grace_period(as_admin):
    old, old_clear = ingestion_token_create(name="server", apps=[IosAppFactory()])

    response = as_admin.post(f"/tokens/{old.pk}/rotate/", {"grace_hours": "24"})

    new_clear = response.context["new_secret"]
    assert ingestion_token_authenticate(raw=new_clear) is not None
    old.refresh_from_db()
    hours_left = (old.expires_at - timezone.now()).total_seconds() / 3600
    assert 23.9 < hours_left <= 24
    assert ingestion_token_authenticate(raw=old_clear) is not None


def test_an_unknown_grace_period_is_refused(as_admin):
    token, _ = ingestion_token_create(name="server", apps=[IosAppFactory()])

    response = as_admin.post(f"/tokens/{token.pk}/rotate/", {"grace_hours": "9999"})

    assert response.status_code == 400
    assert b"Select a valid choice" in response.content


def test_revoking_stops_the_token_at_once(as_admin):
    token, clear = ingestion_token_create(name="server", apps=[IosAppFactory()])

    as_admin.post(f"/tokens/{token.pk}/revoke/")

    assert ingestion_token_authenticate(raw=clear) is None
    assert b"Revoked" in as_admin.get("/tokens/").content


def test_the_page_shows_when_a_token_was_last_used(as_admin):
    token, _ = ingestion_token_create(name="server", apps=[IosAppFactory()])
    IngestionToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.make_aware(timezone.datetime(2026, 1, 2, 3, 4))
    )

    assert b"2026-01-02 03:04" in as_admin.get("/tokens/").content


def test_an_expiry_in_the_past_is_refused_on_the_field(as_admin):
    app = IosAppFactory()

    response = as_admin.post(
        "/tokens/new/", {"name": "server", "apps": [app.pk], "expires_at": "2020-01-01T00:00"}
    )

    assert response.status_code == 400
    assert response.context["create_form"].errors["expires_at"]
    assert b'value="2020-01-01T00:00"' in response.content
    assert not IngestionToken.objects.exists()


def test_a_token_rotated_already_offers_no_second_rotation_and_refuses_one(as_admin):
    token, _ = ingestion_token_create(name="server", apps=[IosAppFactory()])
    as_admin.post(f"/tokens/{token.pk}/rotate/", {"grace_hours": "24"})

    response = as_admin.post(f"/tokens/{token.pk}/rotate/", {"grace_hours": "1"})

    assert response.status_code == 400
    assert b"already rotated" in response.content
    assert b"Rotated to" in response.content
