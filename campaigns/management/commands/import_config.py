import json

from django.core.management.base import BaseCommand, CommandError

from campaigns.config_io import ConfigFileError, config_import


class Command(BaseCommand):
    help = (
        "Apply a file written by export_config, in one transaction, with the admin's validation. "
        "Rows are created or updated, never deleted; a file with any error changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file to apply.")

    def handle(self, *args, file: str, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}.") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file}: not JSON ({exc}).") from exc
        try:
            counts = config_import(data=data)
        except ConfigFileError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{file}: {len(exc.errors)} error(s); nothing was changed.") from exc
        applied = ", ".join(f"{count} {section}" for section, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Applied {applied or 'nothing'}."))
