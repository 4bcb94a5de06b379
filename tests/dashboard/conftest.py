from pathlib import Path

import pytest
from django import db
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect, sync_playwright

from campaigns.roles import ADMIN, DEVELOPER, MARKETER
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # UserFactory's


def user_in(role: str, username: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture(autouse=True)
def _fresh_login_counters():
    # The sign-in limiter counts in the cache, which outlives a test's database rollback.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def marketer(db):
    return user_in(MARKETER, "mia.marketer")


@pytest.fixture
def admin(db):
    return user_in(ADMIN, "ada.admin")


@pytest.fixture
def developer(db):
    return user_in(DEVELOPER, "dev.developer")


@pytest.fixture
def as_marketer(client, marketer):
    client.force_login(marketer)
    return client


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def as_developer(client, developer):
    client.force_login(developer)
    return client


# --- Browser tests (Playwright driving the system Chromium against pytest-django's live_server) ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an asyncio loop in this thread, so Django would take the test's
    # own ORM calls (creating users, reading rows back) for calls from async code and refuse them
    # with SynchronousOnlyOperation. They are plain synchronous calls: allow them, for this test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While the loop runs, Django keys connections by that context: the test's ORM calls
        # opened one of their own, which nothing else would close (and an open session keeps
        # PostgreSQL from dropping the test database at the end of the run).
        db.connections.close_all()


@pytest.fixture
def open_page(browser, live_server, request):
    """Open a page of the given width; the last one opened is screenshotted when the test ends."""
    pages = []

    def open_(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages.append(page)
        return page

    yield open_
    if pages:
        pages[-1].screenshot(path=screenshots_dir() / f"{request.node.name}.png", full_page=True)


def screenshots_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(open_page):
    return open_page()


def sign_in(page, username: str):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("signed-in-user")).to_have_text(username)
