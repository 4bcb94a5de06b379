from django.core.management.base import BaseCommand

from tracking.services.secrets import secrets_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every partner secret with the newest key of FIELD_ENCRYPTION_KEYS. "
        "Rotation: put the new key first, run this, then remove the old key."
    )

    def handle(self, *args, **options):
        count = secrets_reencrypt()
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {count} secret(s) with the newest key.")
        )
