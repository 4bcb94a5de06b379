"""Send failed or dead deliveries again, e.g. after fixing an app's partner configuration."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from campaigns.models import App
from tracking.models import DeliveryStatus, Destination
from tracking.services.delivery import REPLAYABLE, deliveries_replay


def _since(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None and (day := parse_date(value)) is not None:
        moment = datetime(day.year, day.month, day.day)
    if moment is None:
        raise CommandError(f"--since {value!r}: give a date (2026-01-31) or an ISO date and time.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Replay failed and/or dead deliveries; the sweep queues them within seconds."

    def add_arguments(self, parser):
        parser.add_argument("--app", type=int, help="Only this app (its id).")
        parser.add_argument(
            "--destination", choices=Destination.values, help="Only this destination."
        )
        parser.add_argument("--since", help="Only deliveries created since (date or datetime).")
        parser.add_argument(
            "--status",
            action="append",
            choices=[str(status) for status in REPLAYABLE],
            help="failed and/or dead (repeatable; default both).",
        )

    def handle(self, *args, app=None, destination=None, since=None, status=None, **options):
        app_row = None
        if app is not None:
            app_row = App.objects.filter(pk=app).first()
            if app_row is None:
                raise CommandError(f"--app {app}: no such app.")
        count = deliveries_replay(
            app=app_row,
            destination=destination,
            since=_since(since) if since else None,
            status=tuple(status) if status else REPLAYABLE,
        )
        statuses = " or ".join(status or [DeliveryStatus.FAILED, DeliveryStatus.DEAD])
        self.stdout.write(f"{count} {statuses} deliveries queued again.")
