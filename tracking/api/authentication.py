from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from tracking.services.tokens import ingestion_token_authenticate


class IngestionTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer s2s_...`: request.auth is the IngestionToken, request.user None."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not raw.strip():
            raise exceptions.AuthenticationFailed(
                "Send the header 'Authorization: Bearer <token>'."
            )
        token = ingestion_token_authenticate(raw=raw.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return (None, token)

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a missing or bad token.
        return f'{self.keyword} realm="ingestion"'


class IngestionTokenScheme(OpenApiAuthenticationExtension):
    target_class = IngestionTokenAuthentication
    name = "ingestionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An ingestion token: `manage.py create_ingestion_token`.",
        }
