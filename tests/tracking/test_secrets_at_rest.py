from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from partners.models import AdjustAuthToken, AppsFlyerConfig
from tests.factories import AdjustAuthTokenFactory, AppsFlyerConfigFactory

pytestmark = pytest.mark.django_db

ADJUST_SECRET = "v8s5opi0zs45607l8h8c48wak2vxb5oe"
APPSFLYER_KEY = "af-s2s-key-0123456789"


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_partner_secrets_are_not_readable_in_the_database():
    token = AdjustAuthTokenFactory(secret=ADJUST_SECRET)
    config = AppsFlyerConfigFactory(s2s_key=APPSFLYER_KEY)

    stored_token = raw_column("partners_adjustauthtoken", "secret", token.pk)
    stored_key = raw_column("partners_appsflyerconfig", "s2s_key", config.pk)

    assert ADJUST_SECRET not in stored_token and APPSFLYER_KEY not in stored_key
    assert AdjustAuthToken.objects.get(pk=token.pk).secret == ADJUST_SECRET
    assert AppsFlyerConfig.objects.get(pk=config.pk).s2s_key == APPSFLYER_KEY


def test_reencrypt_secrets_moves_every_secret_to_the_newest_key(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    token = AdjustAuthTokenFactory(secret=ADJUST_SECRET)
    config = AppsFlyerConfigFactory(s2s_key=APPSFLYER_KEY)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    out = StringIO()
    call_command("reencrypt_secrets", stdout=out)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]

    assert "Re-encrypted 2 secret(s)" in out.getvalue()
    assert AdjustAuthToken.objects.get(pk=token.pk).secret == ADJUST_SECRET
    assert AppsFlyerConfig.objects.get(pk=config.pk).s2s_key == APPSFLYER_KEY
    stored = raw_column("partners_adjustauthtoken", "secret", token.pk)
    assert Fernet(new_key.encode()).decrypt(stored.encode()).decode() == ADJUST_SECRET


def test_a_blank_appsflyer_key_stays_blank_through_reencryption():
    config = AppsFlyerConfigFactory(s2s_key="")

    call_command("reencrypt_secrets", stdout=StringIO())

    assert raw_column("partners_appsflyerconfig", "s2s_key", config.pk) == ""
