import pytest
from django.urls import reverse

from tests.factories import IosAppFactory
from tracking.models import IngestionToken
from tracking.services.tokens import ingestion_token_authenticate

pytestmark = pytest.mark.django_db


def test_an_ingestion_token_added_in_the_admin_is_shown_once_and_stored_as_a_hash(
    admin_client, admin_user
):
    app = IosAppFactory()

    response = admin_client.post(
        reverse("admin:tracking_ingestiontoken_add"),
        {"name": "game servers", "apps": [app.pk], "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )

    token = IngestionToken.objects.get(name="game servers")
    shown = [m.message for m in response.context["messages"]]
    raw = shown[0].split(": ", 1)[1].split(". ", 1)[0]
    assert ingestion_token_authenticate(raw=raw) == token
    assert raw not in token.secret_hash
    assert token.created_by == admin_user
    assert list(token.apps.all()) == [app]


def test_the_revoke_action_revokes_the_token(admin_client):
    app = IosAppFactory()
    admin_client.post(
        reverse("admin:tracking_ingestiontoken_add"),
        {"name": "old", "apps": [app.pk], "expires_at_0": "", "expires_at_1": ""},
    )
    token = IngestionToken.objects.get(name="old")

    admin_client.post(
        reverse("admin:tracking_ingestiontoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
