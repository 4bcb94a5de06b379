"""The OpenAPI schema and its docs, and schemathesis against the live schema: whatever it sends,
no 5xx, and every answer conforms to the schema (status code, content type, headers, body)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import CampaignFactory, IosAppFactory
from tests.tracking.api_support import api_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.mark.django_db
def test_the_schema_documents_every_endpoint_with_bearer_auth(client):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})

    schema = response.json()
    assert set(schema["paths"]) == {
        "/api/v1/installs/",
        "/api/v1/events/",
        "/api/v1/events/{event_id}/",
        "/api/v1/clicks/",
        "/api/v1/views/",
        "/api/v1/batch/",
    }
    assert schema["components"]["securitySchemes"]["ingestionToken"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_every_endpoint_has_an_example(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            success = next(code for code in operation["responses"] if code.startswith("2"))
            content = operation["responses"][success]["content"]["application/json"]
            assert content.get("examples"), f"{method.upper()} {path} has no response example"
            if method == "post":
                body = operation["requestBody"]["content"]["application/json"]
                assert body.get("examples"), f"POST {path} has no request example"


@pytest.mark.django_db
def test_the_docs_page_uses_local_static_files_only(client):
    response = client.get("/api/docs/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


# Loaded at collection: pytest-django has configured Django by then, and reading the schema
# needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def raw_token(db):
    # The schema's examples name app 12 / com.example.spacegame and the campaign "Winter sale",
    # so the explicit examples are accepted (202) rather than refused.
    app = IosAppFactory(pk=12, bundle_id="com.example.spacegame")
    CampaignFactory(app=app, name="Winter sale")
    # As Django's test client does: the test's transaction must outlive each request.
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield api_for(app).raw_token
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_conforms_to_its_schema_and_never_answers_5xx(case, raw_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {raw_token}"}, checks=CHECKS)
