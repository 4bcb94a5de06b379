"""Bad input is a form error (HTTP 400, or a message), never a server error."""

import pytest

from tests.factories import AdjustAuthTokenFactory, CallbackFactory
from tracking.services.tokens import ingestion_token_create

pytestmark = pytest.mark.django_db

GARBAGE = {
    "name": "x" * 500,
    "platform": "symbian",
    "kind": "telepathy",
    "template": "not-a-number",
    "click_callback": "999999",
    "ground": "bribe",
    "deposit_amount": "lots",
    "view_apps": ["abc", "999999"],
    "grace_hours": "-1",
    "apps": ["x"],
    "expires_at": "yesterday",
    "delivery": "x",
    "app": "nope",
    "destination": "mars",
    "partner": "adjust",
    "adjust-app_token": "",
    "event_map-TOTAL_FORMS": "x",
    "active": "maybe",
    "confirm": "sure",
}


@pytest.fixture
def urls():
    token = AdjustAuthTokenFactory()
    app = token.config.app
    callback = CallbackFactory()
    ingestion, _ = ingestion_token_create(name="server", apps=[app])
    return [
        "/apps/new/",
        f"/apps/{app.pk}/edit/",
        f"/apps/{app.pk}/advanced/",
        f"/apps/{app.pk}/s2s/approve/",
        "/callbacks/new/",
        f"/callbacks/{callback.pk}/edit/",
        "/callbacks/form-part/",
        "/callbacks/preview/",
        f"/apps/{app.pk}/partners/",
        f"/apps/{app.pk}/adjust-security/tokens/",
        f"/apps/{app.pk}/adjust-security/auth/",
        "/tokens/new/",
        f"/tokens/{ingestion.pk}/rotate/",
        "/monitor/replay/",
    ]


@pytest.mark.parametrize("data", [{}, GARBAGE], ids=["empty", "garbage"])
def test_no_form_answers_bad_input_with_a_server_error(as_admin, urls, data):
    for url in urls:
        response = as_admin.post(url, data)

        assert response.status_code < 500, url


def test_the_monitor_search_takes_any_text(as_admin):
    for query in ["", "'; drop table", "%", "x" * 300, "00000000-0000-0000-0000-000000000000"]:
        assert as_admin.get("/monitor/", {"q": query, "app": "nope"}).status_code == 200
