"""Business rules of partner configuration: Adjust auth tokens and callbacks.

Views, admin actions, forms and commands call these; none of them changes these rows directly.
"""

import secrets
import string
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from campaigns.models import App
from partners.models import AdjustAuthToken, AdjustConfig, Callback

ADJUST_TOKEN_LENGTH = 32
# Adjust's own tokens are lowercase letters and digits; ours look the same.
ADJUST_TOKEN_ALPHABET = string.ascii_lowercase + string.digits


def _locked_config(config: AdjustConfig) -> AdjustConfig:
    # Token deletions racing each other must not both see "another token is still live".
    return AdjustConfig.objects.select_for_update().get(pk=config.pk)


@transaction.atomic
def adjust_token_create(
    *, config: AdjustConfig, name: str, secret: str | None = None
) -> tuple[AdjustAuthToken, str]:
    """Record a named S2S token; the clear secret is returned to be shown once.

    `secret` is the token copied from Adjust's dashboard (All Settings > S2S Security > Create
    Token); without one, a 32-character token is generated.
    """
    secret = (secret or "").strip() or "".join(
        secrets.choice(ADJUST_TOKEN_ALPHABET) for _ in range(ADJUST_TOKEN_LENGTH)
    )
    token = AdjustAuthToken(config=config, name=name.strip(), secret=secret)
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def adjust_token_delete(*, token: AdjustAuthToken) -> None:
    """Delete at once (Recover stays possible); deleting the only live token switches auth off.

    partners.md section 3, Auth: "Deleting the only valid token switches authentication off
    automatically, so traffic is never all rejected."
    """
    config = _locked_config(token.config)
    if token.deleted_at is None:
        token.deleted_at = timezone.now()
        token.save(update_fields=["deleted_at"])
    if config.auth_active and not config.live_tokens().exists():
        config.auth_active = False
        config.auth_switched_off_by = token
        config.save(update_fields=["auth_active", "auth_switched_off_by", "updated_at"])
    token.config = config


@transaction.atomic
def adjust_token_recover(*, token: AdjustAuthToken) -> bool:
    """Bring a deleted token back; returns whether authentication was switched back on.

    Recover undoes Delete: when deleting this token switched authentication off (it was the last
    live one), recovering it switches authentication on again. Otherwise authentication stays as
    it is, since activating it is the marketer's choice.
    """
    config = _locked_config(token.config)
    if token.deleted_at is not None:
        token.deleted_at = None
        token.save(update_fields=["deleted_at"])
    token.config = config
    if config.auth_switched_off_by_id != token.pk:
        return False
    config.auth_active = True
    config.auth_switched_off_by = None
    config.save(update_fields=["auth_active", "auth_switched_off_by", "updated_at"])
    return True


@transaction.atomic
def adjust_auth_set(*, config: AdjustConfig, active: bool) -> None:
    """Switch S2S authentication; it cannot be on without a live token to send."""
    locked = _locked_config(config)
    locked.auth_active = active
    # A choice made by hand wins over undoing an automatic switch-off later.
    locked.auth_switched_off_by = None
    locked.full_clean()
    locked.save(update_fields=["auth_active", "auth_switched_off_by", "updated_at"])
    config.auth_active = active


@transaction.atomic
def callback_save(*, callback: Callback, view_apps: Iterable[App] | None = None) -> Callback:
    """Validate and save a new or changed callback; `view_apps` (if given) sets the View column."""
    callback.full_clean()
    callback.save()
    if view_apps is not None:
        callback_view_apps_set(callback=callback, apps=view_apps)
    return callback


@transaction.atomic
def callback_view_apps_set(*, callback: Callback, apps: Iterable[App]) -> None:
    """Tick the View column for exactly these apps (completed-view callbacks only)."""
    apps = list(apps)
    callback.validate_view_apps(apps)
    callback.view_apps.set(apps)
