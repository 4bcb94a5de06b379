"""Each role sees and may do what its group's permissions allow (campaigns/roles.py)."""

import pytest

from tests.factories import IosAppFactory

pytestmark = pytest.mark.django_db


def nav(response) -> str:
    html = response.content.decode()
    return html[html.index('<nav class="nav"') : html.index("</nav>")]


def test_a_marketer_sees_apps_callbacks_and_the_monitor_but_no_tokens(as_marketer):
    links = nav(as_marketer.get("/apps/"))

    assert "Apps" in links and "Callbacks" in links and "Delivery monitor" in links
    assert "Ingestion tokens" not in links


def test_a_marketer_cannot_open_the_ingestion_tokens_page(as_marketer):
    assert as_marketer.get("/tokens/").status_code == 403


def test_a_marketer_cannot_open_adjust_s2s_security(as_marketer):
    app = IosAppFactory()

    assert as_marketer.get(f"/apps/{app.pk}/adjust-security/").status_code == 403


def test_a_marketer_cannot_replay_deliveries(as_marketer):
    assert as_marketer.post("/monitor/replay/", {}).status_code == 403


def test_a_developer_sees_the_ingestion_tokens_page(as_developer):
    response = as_developer.get("/tokens/")

    assert response.status_code == 200
    assert "Ingestion tokens" in nav(response)


def test_a_developer_reads_apps_but_cannot_add_or_edit_them(as_developer):
    app = IosAppFactory()

    assert as_developer.get(f"/apps/{app.pk}/").status_code == 200
    assert as_developer.get("/apps/new/").status_code == 403
    assert as_developer.post(f"/apps/{app.pk}/edit/", {"name": "x"}).status_code == 403


def test_a_developer_cannot_add_callbacks(as_developer):
    assert as_developer.get("/callbacks/new/").status_code == 403


def test_an_admin_sees_every_page(as_admin):
    links = nav(as_admin.get("/apps/"))

    for page in ("Apps", "Callbacks", "Ingestion tokens", "Delivery monitor"):
        assert page in links
    assert as_admin.get("/tokens/").status_code == 200
    assert as_admin.get("/monitor/").status_code == 200


def test_home_sends_each_role_to_its_first_page(as_developer):
    assert as_developer.get("/").url == "/apps/"
