from django.conf import settings
from django.core.management.base import BaseCommand

from campaigns.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Seed the demo: Space Game on iOS and Android, partner configs, a click and a "
        "completed-view callback, an admin and a marketer login, an ingestion token. "
        "Safe to run twice; credentials are printed only when they are made."
    )

    def handle(self, *args, **options):
        seed = demo_seed(
            admin_password=settings.DEMO_ADMIN_PASSWORD,
            marketer_password=settings.DEMO_MARKETER_PASSWORD,
        )
        # Shown once, to the person who ran the seed: nothing here is logged.
        for username, password in seed.created_logins.items():
            self.stdout.write(f"Login: {username} / {password}")
        for username in seed.existing_logins:
            self.stdout.write(f"Login: {username} (exists; password unchanged)")
        for app, secret in seed.adjust_tokens.items():
            self.stdout.write(f"Adjust auth token of {app}: {secret}")
        if seed.ingestion_token:
            self.stdout.write(
                f"Ingestion token (Space Game iOS and Android): {seed.ingestion_token}\n"
                "  Copy it now: it is not shown again."
            )
        else:
            self.stdout.write(
                "Ingestion token: exists (create another with `manage.py create_ingestion_token`)."
            )
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
