"""Ingestion tokens: random, shown once, stored hashed, scoped to apps, with expiry, rotation
(grace period) and revocation."""

import hashlib
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import IosAppFactory
from tracking.models import IngestionToken
from tracking.services.tokens import (
    ingestion_token_authenticate,
    ingestion_token_create,
    ingestion_token_revoke,
    ingestion_token_rotate,
)

pytestmark = pytest.mark.django_db


def _later(delta: timedelta):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + delta)


def test_created_token_has_the_documented_format_and_only_its_hash_is_stored():
    app = IosAppFactory()

    token, raw = ingestion_token_create(name="game backend", apps=[app])

    assert raw.startswith(f"s2s_{token.prefix}_")
    assert len(raw.split("_", 2)[2]) >= 40
    stored = IngestionToken.objects.get(pk=token.pk)
    assert stored.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(value) for value in vars(stored).values()}


def test_two_tokens_never_share_a_secret():
    app = IosAppFactory()

    raws = {ingestion_token_create(name=f"t{i}", apps=[app])[1] for i in range(20)}

    assert len(raws) == 20


def test_created_token_authenticates_with_the_apps_it_may_send_for():
    apps = [IosAppFactory(), IosAppFactory()]
    IosAppFactory()
    token, raw = ingestion_token_create(name="game backend", apps=apps)

    found = ingestion_token_authenticate(raw=raw)

    assert found.pk == token.pk
    assert found.app_ids == {app.pk for app in apps}


def test_a_token_needs_a_name_and_at_least_one_app():
    with pytest.raises(ValidationError) as caught:
        ingestion_token_create(name=" ", apps=[])

    assert set(caught.value.message_dict) == {"name", "apps"}


@pytest.mark.parametrize(
    "raw",
    ["", "Bearer", "s2s_", "s2s_abc_def", "x" * 500, "s2s_" + "a" * 300, "sk_live_abc"],
)
def test_unknown_or_malformed_tokens_do_not_authenticate(raw):
    ingestion_token_create(name="game backend", apps=[IosAppFactory()])

    assert ingestion_token_authenticate(raw=raw) is None


def test_a_token_with_one_character_changed_does_not_authenticate():
    _, raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")

    assert ingestion_token_authenticate(raw=tampered) is None


def test_a_token_works_until_its_expiry_and_not_after():
    expires_at = timezone.now() + timedelta(days=30)
    _, raw = ingestion_token_create(name="ci", apps=[IosAppFactory()], expires_at=expires_at)

    with _later(timedelta(days=29)):
        assert ingestion_token_authenticate(raw=raw) is not None
    with _later(timedelta(days=30, seconds=1)):
        assert ingestion_token_authenticate(raw=raw) is None


def test_an_expiry_in_the_past_is_refused():
    with pytest.raises(ValidationError) as caught:
        ingestion_token_create(
            name="ci", apps=[IosAppFactory()], expires_at=timezone.now() - timedelta(hours=1)
        )

    assert "expires_at" in caught.value.message_dict


def test_a_revoked_token_stops_at_once():
    token, raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])
    assert ingestion_token_authenticate(raw=raw) is not None

    ingestion_token_revoke(token=token)

    assert ingestion_token_authenticate(raw=raw) is None


def test_a_revoked_token_stops_at_once_even_when_lookups_are_cached(settings):
    settings.INGESTION_TOKEN_CACHE_SECONDS = 60
    token, raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])
    assert ingestion_token_authenticate(raw=raw) is not None

    ingestion_token_revoke(token=token)

    assert ingestion_token_authenticate(raw=raw) is None


def test_a_rotated_token_is_replaced_by_a_new_one_that_works_at_once():
    apps = [IosAppFactory(), IosAppFactory()]
    old, old_raw = ingestion_token_create(name="game backend", apps=apps)

    new, new_raw = ingestion_token_rotate(token=old)

    assert new_raw != old_raw
    assert new.name == "game backend"
    assert ingestion_token_authenticate(raw=new_raw).app_ids == {app.pk for app in apps}
    old.refresh_from_db()
    assert old.rotated_to == new


def test_the_old_token_keeps_working_during_the_default_24_hour_grace_period():
    old, old_raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])

    ingestion_token_rotate(token=old)

    with _later(timedelta(hours=23, minutes=59)):
        assert ingestion_token_authenticate(raw=old_raw) is not None


def test_the_old_token_stops_after_the_grace_period_while_the_new_one_goes_on():
    old, old_raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])

    _, new_raw = ingestion_token_rotate(token=old)

    with _later(timedelta(hours=24, seconds=1)):
        assert ingestion_token_authenticate(raw=old_raw) is None
        assert ingestion_token_authenticate(raw=new_raw) is not None


def test_the_grace_period_follows_the_setting(settings):
    settings.INGESTION_TOKEN_ROTATION_GRACE_HOURS = 2
    old, old_raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])

    ingestion_token_rotate(token=old)

    with _later(timedelta(hours=2, seconds=1)):
        assert ingestion_token_authenticate(raw=old_raw) is None


def test_rotation_never_extends_the_old_tokens_expiry():
    expires_at = timezone.now() + timedelta(hours=1)
    old, _ = ingestion_token_create(name="ci", apps=[IosAppFactory()], expires_at=expires_at)

    ingestion_token_rotate(token=old, grace=timedelta(hours=24))

    old.refresh_from_db()
    assert old.expires_at == expires_at


def test_the_new_token_gets_the_old_ones_lifetime():
    old, _ = ingestion_token_create(
        name="ci", apps=[IosAppFactory()], expires_at=timezone.now() + timedelta(days=90)
    )

    new, _ = ingestion_token_rotate(token=old)

    assert timedelta(days=89, hours=23) < new.expires_at - timezone.now() <= timedelta(days=90)


def test_a_revoked_token_cannot_be_rotated():
    token, _ = ingestion_token_create(name="game backend", apps=[IosAppFactory()])
    ingestion_token_revoke(token=token)

    with pytest.raises(ValidationError):
        ingestion_token_rotate(token=token)


def test_a_token_cannot_be_rotated_twice():
    token, _ = ingestion_token_create(name="game backend", apps=[IosAppFactory()])
    ingestion_token_rotate(token=token)

    with pytest.raises(ValidationError):
        ingestion_token_rotate(token=token)


def test_last_used_is_recorded_on_first_use():
    token, raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])

    ingestion_token_authenticate(raw=raw)

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_is_not_written_again_within_a_minute():
    _, raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])
    ingestion_token_authenticate(raw=raw)

    with CaptureQueriesContext(connection) as queries:
        ingestion_token_authenticate(raw=raw)

    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_last_used_is_refreshed_after_a_minute():
    token, raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])
    ingestion_token_authenticate(raw=raw)
    first = IngestionToken.objects.get(pk=token.pk).last_used_at

    with _later(timedelta(minutes=2)):
        ingestion_token_authenticate(raw=raw)

    token.refresh_from_db()
    assert token.last_used_at > first


def test_cached_lookups_spare_the_database(settings):
    settings.INGESTION_TOKEN_CACHE_SECONDS = 60
    _, raw = ingestion_token_create(name="game backend", apps=[IosAppFactory()])
    ingestion_token_authenticate(raw=raw)

    with CaptureQueriesContext(connection) as queries:
        assert ingestion_token_authenticate(raw=raw) is not None

    assert queries.captured_queries == []
