from django.core.management.base import BaseCommand, CommandError

from tracking.models import IngestionToken
from tracking.services.tokens import ingestion_token_revoke


def token_by_prefix(prefix: str) -> IngestionToken:
    tokens = list(IngestionToken.objects.filter(prefix=prefix)[:2])
    if not tokens:
        raise CommandError(f"No ingestion token has the prefix '{prefix}'.")
    if len(tokens) > 1:
        raise CommandError(f"Several tokens share the prefix '{prefix}': revoke them in the admin.")
    return tokens[0]


class Command(BaseCommand):
    help = "Revoke an ingestion token: it stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="The token's prefix, e.g. 3f9a1c2b7d4e.")

    def handle(self, *args, prefix, **options):
        token = token_by_prefix(prefix)
        ingestion_token_revoke(token=token)
        self.stdout.write(f"Token {token.prefix} ({token.name}) is revoked.")
