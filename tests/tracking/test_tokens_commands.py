"""manage.py create_ingestion_token / rotate_ingestion_token / revoke_ingestion_token."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import AndroidAppFactory, IosAppFactory
from tracking.models import IngestionToken
from tracking.services.tokens import ingestion_token_authenticate, ingestion_token_create

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_create_prints_a_working_token_for_apps_named_by_id_or_bundle_id():
    by_id, by_bundle = IosAppFactory(), AndroidAppFactory()

    raw = _run(
        "create_ingestion_token", "--name", "backend", "--app", str(by_id.pk),
        "--app", by_bundle.bundle_id,
    )  # fmt: skip

    assert ingestion_token_authenticate(raw=raw).app_ids == {by_id.pk, by_bundle.pk}


def test_create_with_expiry_sets_it_that_many_days_ahead():
    app = IosAppFactory()

    _run("create_ingestion_token", "--name", "ci", "--app", str(app.pk), "--expires-in-days", "7")

    expires_at = IngestionToken.objects.get().expires_at
    assert timedelta(days=6, hours=23) < expires_at - timezone.now() <= timedelta(days=7)


def test_create_refuses_a_bundle_id_shared_by_an_ios_and_an_android_app():
    ios = IosAppFactory(bundle_id="com.example.shared")
    AndroidAppFactory(bundle_id="com.example.shared")

    with pytest.raises(CommandError, match="add platform"):
        _run("create_ingestion_token", "--name", "x", "--app", ios.bundle_id)


def test_create_refuses_an_unknown_app():
    with pytest.raises(CommandError, match="No app"):
        _run("create_ingestion_token", "--name", "x", "--app", "com.example.nothing")


def test_rotate_prints_a_new_token_and_gives_the_old_one_the_grace_period():
    token, old_raw = ingestion_token_create(name="backend", apps=[IosAppFactory()])

    new_raw = _run("rotate_ingestion_token", token.prefix, "--grace-hours", "1")

    assert ingestion_token_authenticate(raw=new_raw) is not None
    assert ingestion_token_authenticate(raw=old_raw) is not None
    token.refresh_from_db()
    assert timedelta(minutes=59) < token.expires_at - timezone.now() <= timedelta(hours=1)


def test_rotate_with_zero_grace_stops_the_old_token_at_once():
    token, old_raw = ingestion_token_create(name="backend", apps=[IosAppFactory()])

    _run("rotate_ingestion_token", token.prefix, "--grace-hours", "0")

    assert ingestion_token_authenticate(raw=old_raw) is None


def test_revoke_stops_the_token():
    token, raw = ingestion_token_create(name="backend", apps=[IosAppFactory()])

    _run("revoke_ingestion_token", token.prefix)

    assert ingestion_token_authenticate(raw=raw) is None


def test_revoke_of_an_unknown_prefix_is_a_clear_error():
    with pytest.raises(CommandError, match="No ingestion token"):
        _run("revoke_ingestion_token", "000000000000")
