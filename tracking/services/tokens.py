"""Ingestion tokens: the bearer tokens developers' servers use to call the ingestion API.

A token reads `s2s_<prefix>_<secret>`. The clear token is returned once, at creation; only its
SHA-256 hash is stored. A fast unsalted hash is the right tool here (unlike for passwords): the
secret is 256 random bits, so there is nothing to brute-force or look up in a rainbow table, and
a slow KDF would cost every API request milliseconds for no gain. The prefix is stored in clear
so people can tell tokens apart and name one on the command line.

The API authenticates every request, so a lookup is cached in Django's cache for
INGESTION_TOKEN_CACHE_SECONDS (0, i.e. off, unless the cache is shared by every process, such as
Redis); rotation and revocation delete the cached entry, so they take effect at once.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tracking.models import IngestionToken

TOKEN_PREFIX = "s2s"  # noqa: S105 - the label every token starts with, not a secret
# last_used_at is a hint for humans ("is this token still in use?"), so minute precision is
# plenty, and it spares the hot path a write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _cache_key(secret_hash: str) -> str:
    return f"ingestion-token:{secret_hash}"


def _forget(token: IngestionToken) -> None:
    cache.delete(_cache_key(token.secret_hash))


def _new_token(*, name: str, app_ids, created_by, expires_at) -> tuple[IngestionToken, str]:
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = IngestionToken.objects.create(
        name=name,
        prefix=prefix,
        secret_hash=_hash(raw),
        created_by=created_by,
        expires_at=expires_at,
    )
    token.apps.set(app_ids)
    return token, raw


@transaction.atomic
def ingestion_token_create(
    *, name: str, apps, created_by=None, expires_at=None
) -> tuple[IngestionToken, str]:
    """A new token for `apps`; returns the row and the clear token, which is never shown again."""
    app_ids = [app.pk for app in apps]
    errors = {}
    if not name.strip():
        errors["name"] = ["Give the token a name, e.g. the server that will use it."]
    if not app_ids:
        errors["apps"] = ["A token must be allowed to send for at least one app."]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = ["The expiry date is in the past."]
    if errors:
        raise ValidationError(errors)
    return _new_token(
        name=name.strip(), app_ids=app_ids, created_by=created_by, expires_at=expires_at
    )


def _default_grace() -> timedelta:
    return timedelta(hours=settings.INGESTION_TOKEN_ROTATION_GRACE_HOURS)


@transaction.atomic
def ingestion_token_rotate(
    *, token: IngestionToken, grace: timedelta | None = None, created_by=None
) -> tuple[IngestionToken, str]:
    """A new token with the same name, apps and lifetime, working at once; the old one keeps
    working for `grace` (INGESTION_TOKEN_ROTATION_GRACE_HOURS by default) so servers can switch.
    """
    grace = _default_grace() if grace is None else grace
    now = timezone.now()
    token = IngestionToken.objects.select_for_update().get(pk=token.pk)
    if not token.is_usable(now):
        raise ValidationError({"token": ["This token is revoked or expired: create a new one."]})
    if token.rotated_to_id is not None:
        raise ValidationError(
            {"token": [f"This token was already rotated to {token.rotated_to.prefix}."]}
        )
    lifetime = token.expires_at - token.created_at if token.expires_at else None
    new, raw = _new_token(
        name=token.name,
        app_ids=list(token.apps.values_list("pk", flat=True)),
        created_by=created_by,
        expires_at=now + lifetime if lifetime else None,
    )
    token.rotated_to = new
    token.expires_at = min(filter(None, [token.expires_at, now + grace]))
    token.save(update_fields=["rotated_to", "expires_at"])
    transaction.on_commit(lambda: _forget(token))
    return new, raw


def ingestion_token_revoke(*, token: IngestionToken) -> None:
    """Stops the token at once."""
    IngestionToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    _forget(token)


def _touch(token: IngestionToken, now) -> None:
    """Record use at most once a minute: the row tells whether it is due, and the UPDATE is
    conditional so that concurrent workers do not all write it."""
    stale = now - LAST_USED_PRECISION
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    IngestionToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now


def _load(secret_hash: str) -> IngestionToken | None:
    token = IngestionToken.objects.filter(secret_hash=secret_hash).first()
    if token is not None:
        token.app_ids = frozenset(token.apps.values_list("pk", flat=True))
    return token


def ingestion_token_authenticate(*, raw: str) -> IngestionToken | None:
    """The usable token for a clear token, with `app_ids` (the apps it may send for), or None."""
    if not raw.startswith(f"{TOKEN_PREFIX}_") or len(raw) > 200:
        return None
    now = timezone.now()
    key = _cache_key(_hash(raw))
    ttl = settings.INGESTION_TOKEN_CACHE_SECONDS
    cached = cache.get(key) if ttl else None
    token = cached or _load(_hash(raw))
    if token is None or not token.is_usable(now):
        return None
    _touch(token, now)
    if ttl and cached is None:
        # Cached after the touch, so the cached copy does not look due for the next minute.
        cache.set(key, token, ttl)
    return token
