"""Idempotency-Key: a retried API call gets the first call's answer and stores nothing new.

Keys are scoped per ingestion token. Only accepted calls are stored: a refused call stored
nothing, so its retry is simply checked again. The key row is written in the same transaction as
the records, so either both exist or neither does.
"""

import json
from collections.abc import Callable
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracking.models import IdempotencyKey, IngestionToken


class IdempotencyKeyReused(Exception):
    """The key was first used for a different request."""


def _replay(stored: IdempotencyKey, request_hash: str) -> tuple[int, dict]:
    if stored.request_hash != request_hash:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different request: use a new key per record."
        )
    return stored.response_status, json.loads(stored.response_body)


def idempotency_key_run(
    *, token: IngestionToken, key: str, request_hash: str, run: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """(status, body, replayed): the stored answer for a known key, else `run()`'s, stored."""
    stored = IdempotencyKey.objects.filter(token_id=token.pk, key=key).first()
    if stored is not None:
        return *_replay(stored, request_hash), True
    try:
        with transaction.atomic():
            status, body = run()
            IdempotencyKey.objects.create(
                token_id=token.pk,
                key=key,
                request_hash=request_hash,
                response_status=status,
                response_body=json.dumps(body, cls=DjangoJSONEncoder),
            )
    except IntegrityError:
        # A concurrent call with the same key committed first: its answer is the answer.
        stored = IdempotencyKey.objects.filter(token_id=token.pk, key=key).first()
        if stored is None:
            raise
        return *_replay(stored, request_hash), True
    return status, body, False


def idempotency_keys_purge(*, older_than: timedelta) -> int:
    """Forget keys older than `older_than` (a retry after that is a new call); returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
