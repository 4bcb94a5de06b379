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
        # A file with secrets holds them in clear: only its owner may read it, from creation on.
        mode = 0o600 if with_secrets else 0o644
        with open(output, "w", encoding="utf-8", opener=lambda p, f: os.open(p, f, mode)) as file:
            file.write(text)
        if with_secrets:
            os.chmod(output, mode)
        self.stderr.write(f"Wrote {output}.")
