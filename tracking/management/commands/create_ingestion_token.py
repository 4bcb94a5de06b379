from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracking.selectors import app_by_reference
from tracking.services.tokens import ingestion_token_create


class Command(BaseCommand):
    help = "Create an ingestion API token for one or more apps; the token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Who uses it, e.g. 'game backend'.")
        parser.add_argument(
            "--app",
            action="append",
            required=True,
            dest="apps",
            help="App id or bundle id (repeat for several apps).",
        )
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args, name, apps, expires_in_days, **options):
        days = expires_in_days
        expires_at = timezone.now() + timedelta(days=days) if days is not None else None
        try:
            resolved = [app_by_reference(reference=reference) for reference in apps]
            token, raw = ingestion_token_create(name=name, apps=resolved, expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.prefix} for {', '.join(str(app) for app in resolved)}"
            f"{f', expires {token.expires_at:%Y-%m-%d %H:%M} UTC' if token.expires_at else ''}. "
            "Copy it now: it is not shown again."
        )
