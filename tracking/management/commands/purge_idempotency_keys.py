from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from tracking.services.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = "Forget Idempotency-Key answers older than IDEMPOTENCY_KEY_RETENTION_HOURS."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=None)

    def handle(self, *args, older_than_hours, **options):
        hours = older_than_hours or settings.IDEMPOTENCY_KEY_RETENTION_HOURS
        deleted = idempotency_keys_purge(older_than=timedelta(hours=hours))
        self.stdout.write(f"Forgot {deleted} idempotency keys older than {hours} hours.")
