"""Business rules of apps: the SDK-to-S2S approval step and the click callback attachment."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.models import App, ApprovalGround, TrackingMode


def _clean_or_restore(app: App) -> None:
    """Validate like the admin; on refusal the caller's object goes back to its stored state."""
    try:
        app.full_clean()
    except ValidationError:
        app.refresh_from_db()
        raise


@transaction.atomic
def app_s2s_request(*, app: App, user) -> App:
    """Ask for S2S attribution; an account manager or a deposit approves it later.

    partners.md section 1: "switched on per account only after an approval step".
    """
    if app.s2s_approved_at is not None:
        raise ValidationError({"tracking_mode": ["This app already uses S2S attribution."]})
    app.s2s_requested_at = timezone.now()
    app.s2s_requested_by = user
    _clean_or_restore(app)
    app.save()
    return app


@transaction.atomic
def app_s2s_approve(*, app: App, user, ground: str, deposit_amount: Decimal | None = None) -> App:
    """Approve a requested switch to S2S, recording who approved it, when and on what ground.

    partners.md section 1: "an account manager, or a first deposit of at least $5,000. Record
    who approved it and when." The approval time is the switch date that starts the 21 days of
    SDK billing.
    """
    if app.s2s_requested_at is None:
        raise ValidationError({"s2s_requested_at": ["Request S2S before approving it."]})
    if app.s2s_approved_at is not None:
        raise ValidationError({"s2s_approved_at": ["S2S is already approved for this app."]})
    app.s2s_approved_at = timezone.now()
    app.s2s_approved_by = user
    app.s2s_approval_ground = ground
    app.s2s_deposit_amount = deposit_amount if ground == ApprovalGround.DEPOSIT else None
    app.tracking_mode = TrackingMode.S2S
    _clean_or_restore(app)
    app.save()
    return app


@transaction.atomic
def app_click_callback_set(*, app: App, callback) -> App:
    """Attach (or with None, detach) the click callback of the app's Advanced Settings."""
    app.click_callback = callback
    _clean_or_restore(app)
    app.save(update_fields=["click_callback", "updated_at"])
    return app
