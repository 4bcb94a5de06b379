import json
import os

from django.core.management.base import BaseCommand

from campaigns.config_io import config_export


class Command(BaseCommand):
    help = (
        "Write apps, campaigns, partner configs, callbacks and their attachments as JSON. "
        "Secrets are left out unless --with-secrets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-secrets",
            action="store_true",
            help="Include Adjust auth tokens and AppsFlyer S2S keys in clear: protect the file.",
        )
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")

    def handle(self, *args, with_secrets: bool, output: str | None, **options):
        text = json.dumps(config_export(with_secrets=with_secrets), indent=2) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        with open(output, "w", encoding="utf-8") as file:
            file.write(text)
        if with_secrets:
            # The file holds partner secrets in clear: only its owner may read it.
            os.chmod(output, 0o600)
        self.stderr.write(f"Wrote {output}.")
