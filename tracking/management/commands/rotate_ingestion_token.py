from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tracking.management.commands.revoke_ingestion_token import token_by_prefix
from tracking.services.tokens import ingestion_token_rotate


class Command(BaseCommand):
    help = (
        "Replace an ingestion token: the new one (printed once) works at once, the old one keeps "
        "working for the grace period, then stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="The token's prefix, e.g. 3f9a1c2b7d4e.")
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=None,
            help="How long the old token keeps working (INGESTION_TOKEN_ROTATION_GRACE_HOURS).",
        )

    def handle(self, *args, prefix, grace_hours, **options):
        if grace_hours is not None and grace_hours < 0:
            raise CommandError("--grace-hours cannot be negative.")
        grace = timedelta(hours=grace_hours) if grace_hours is not None else None
        old = token_by_prefix(prefix)
        try:
            new, raw = ingestion_token_rotate(token=old, grace=grace)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        old.refresh_from_db()
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {new.prefix} replaces {old.prefix}, which stops at "
            f"{old.expires_at:%Y-%m-%d %H:%M} UTC. Copy the new token now: it is not shown again."
        )
