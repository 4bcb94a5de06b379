"""Helpers for the ingestion API tests: a token for some apps and JSON calls with it."""

import json

from django.test import Client

from tracking.services.tokens import ingestion_token_create

IDFA = "11110111-2345-6789-1122-000000005678"
GAID = "38400000-8cf0-11bd-b23e-10b96e40000d"
APPSFLYER_ID = "1415211453000-6513894"


class ApiClient:
    def __init__(self, raw_token: str | None):
        self.client = Client()
        self.raw_token = raw_token

    def _headers(self, headers: dict) -> dict:
        auth = {"Authorization": f"Bearer {self.raw_token}"} if self.raw_token else {}
        return {**auth, **headers}

    def post(self, path: str, payload=None, *, body: str | bytes | None = None, **options):
        content_type = options.pop("content_type", "application/json")
        headers = self._headers(options.pop("headers", {}))
        data = json.dumps(payload) if body is None else body
        return self.client.post(
            f"/api/v1/{path}", data=data, content_type=content_type, headers=headers
        )

    def get(self, path: str, **options):
        return self.client.get(f"/api/v1/{path}", headers=self._headers(options.pop("headers", {})))


def api_for(*apps, **token_options) -> ApiClient:
    token, raw = ingestion_token_create(name="test backend", apps=apps, **token_options)
    api = ApiClient(raw)
    api.token = token
    return api


def ios_event(for_app, **fields) -> dict:
    """An in-app event that every partner takes, with `fields` added or replaced."""
    return {
        "app": for_app.pk,
        "event_name": "purchase",
        "idfa": IDFA,
        "appsflyer_id": APPSFLYER_ID,
        "ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)",
        "os_version": "17.1",
        "att_status": 3,
        **fields,
    }
