"""The issue's acceptance scenarios, driven in the system Chromium against a live server."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import App
from partners.models import AdjustConfig, Callback, CallbackKind, Platform
from tests.dashboard.conftest import screenshots_dir, sign_in
from tests.factories import (
    AdjustAuthTokenFactory,
    AdjustConfigFactory,
    AdjustEventTokenFactory,
    AndroidAppFactory,
    CallbackFactory,
    CallbackTemplateFactory,
    EventFactory,
    IosAppFactory,
)
from tracking.models import Delivery, DeliveryStatus, Destination
from tracking.services.delivery import delivery_attempt
from tracking.services.tokens import ingestion_token_authenticate, ingestion_token_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ios_click_template():
    return CallbackTemplateFactory(
        name="Tune iOS Click (test)",
        url_template=(
            "https://{publisher_id}.api-01.com/serve?action=click&publisher_id={publisher_id}"
            "&ios_ifa={idfa}&bundle_id={bundle_id}"
        ),
        prompted_fields=[
            {"name": "publisher_id", "label": "Publisher id"},
            {"name": "bundle_id", "label": "Bundle id"},
        ],
    )


def htmx_settled(page):
    """Wait until no htmx request is in flight or being swapped in (htmx marks those elements)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def choose_template(page, kind: str, platform: str, template: str):
    page.get_by_label("Kind").select_option(kind)
    htmx_settled(page)
    page.get_by_label("Platform").select_option(platform)
    htmx_settled(page)
    expect(page.locator("#id_template option", has_text=template)).to_have_count(1)
    page.get_by_label("Template").select_option(label=template)
    htmx_settled(page)


def test_a_marketer_signs_in(page, marketer):
    sign_in(page, "mia.marketer")

    expect(page.get_by_role("heading", name="Apps")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_marketer_creates_a_click_callback_from_an_ios_template_with_its_bundle_id(
    page, marketer
):
    """partners.md section 1, Click callbacks: a template "prompts for ... bundle id"."""
    ios_click_template()
    sign_in(page, "mia.marketer")
    page.goto("/callbacks/new/")

    page.get_by_label("Name").fill("Tune clicks")
    choose_template(page, "click", "ios", "Tune iOS Click (test)")
    page.get_by_label("Publisher id").fill("4242")
    page.get_by_label("Bundle id").fill("com.example.space")
    expect(page.locator("#preview")).to_contain_text(
        "https://4242.api-01.com/serve?action=click&publisher_id=4242"
        "&ios_ifa=11110111-2345-6789-1122-000000005678&bundle_id=com.example.space"
    )
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("Callback “Tune clicks” saved.")
    callback = Callback.objects.get(name="Tune clicks")
    assert callback.values == {"publisher_id": "4242", "bundle_id": "com.example.space"}


def test_an_android_template_is_not_offered_for_an_ios_app(page, marketer):
    """partners.md section 1: "only the ones matching the app's platform may be offered"."""
    ios_click_template()
    CallbackTemplateFactory(name="Tune Android Click (test)", platform=Platform.ANDROID)
    app = IosAppFactory(name="Space Game")
    CallbackFactory(
        name="Android clicks", template=CallbackTemplateFactory(platform=Platform.ANDROID)
    )
    sign_in(page, "mia.marketer")

    page.goto("/callbacks/new/")
    page.get_by_label("Platform").select_option("ios")
    expect(page.locator("#id_template option", has_text="Tune iOS Click (test)")).to_have_count(1)
    expect(page.locator("#id_template option", has_text="Android")).to_have_count(0)

    page.goto(f"/apps/{app.pk}/")
    expect(page.locator("#id_click_callback option", has_text="Android clicks")).to_have_count(0)


def test_a_marketer_attaches_the_click_callback_in_advanced_settings_and_saves(page, marketer):
    """partners.md section 1: "App settings > ... Advanced Settings > click-callback dropdown >
    Save"."""
    app = IosAppFactory(name="Space Game")
    callback = CallbackFactory(name="Tune clicks")
    sign_in(page, "mia.marketer")

    page.goto("/apps/")
    page.get_by_role("link", name="Space Game").click()
    page.get_by_label("Click callback").select_option(label="Tune clicks")
    page.locator("#advanced").locator("..").get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("Advanced Settings saved.")
    expect(page.get_by_label("Click callback")).to_have_value(str(callback.pk))
    app.refresh_from_db()
    assert app.click_callback == callback


def test_a_marketer_creates_a_completed_view_callback_for_two_apps_and_switches_it_on(
    page, marketer
):
    """partners.md section 1, VTA: "tick the View column for each app ... switch the callback
    OFF to ON > Save"."""
    CallbackTemplateFactory(
        name="Tune iOS Completed View (test)", kind=CallbackKind.VIEW, platform=Platform.IOS
    )
    first, second = IosAppFactory(name="Space Game"), IosAppFactory(name="Rocket Rush")
    IosAppFactory(name="Not this one")
    sign_in(page, "mia.marketer")
    page.goto("/callbacks/new/")

    page.get_by_label("Name").fill("Tune views")
    page.get_by_label("Description").fill("View-through attribution for the iOS games")
    choose_template(page, "view", "ios", "Tune iOS Completed View (test)")
    page.get_by_label("Tracker token").fill("abc123")
    page.get_by_label("View Space Game").check()
    page.get_by_label("View Rocket Rush").check()
    page.locator("#id_enabled").check()
    page.get_by_role("button", name="Save").click()

    row = page.locator('tr[data-callback="Tune views"]')
    expect(row).to_contain_text("ON")
    expect(row).to_contain_text("Space Game (views)")
    callback = Callback.objects.get(name="Tune views")
    assert callback.enabled
    assert set(callback.view_apps.all()) == {first, second}


def test_an_admin_creates_copies_deletes_and_recovers_an_adjust_token_and_activates_auth(
    page, admin
):
    """partner-docs/adjust-s2s-events.txt: Create Token, Copy, Delete (trash), Recover (arrow),
    Activate S2S authentication: "Switch the toggle ON. Confirm to proceed"."""
    config = AdjustConfigFactory(app=IosAppFactory(name="Space Game"))
    sign_in(page, "ada.admin")
    page.goto(f"/apps/{config.app.pk}/adjust-security/")

    page.get_by_label("Token name").fill("game server")
    page.get_by_role("button", name="Create Token").click()
    secret = page.get_by_test_id("new-secret").inner_text()
    assert re.fullmatch(r"[a-z0-9]{32}", secret)
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret

    page.get_by_role("button", name="Delete game server").click()
    expect(page.locator('tr[data-token="game server"]')).to_contain_text("Deleted")
    page.get_by_role("button", name="Recover game server").click()
    expect(page.locator('tr[data-token="game server"]')).to_contain_text("Live")

    page.get_by_label("Activate S2S authentication").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Activate S2S authentication?")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_test_id("auth-state")).to_have_text("ON")
    assert AdjustConfig.objects.get(pk=config.pk).auth_active


def test_deleting_the_last_adjust_token_switches_authentication_off(page, admin):
    """partners.md section 3, Auth: "Deleting the only valid token switches authentication off"."""
    config = AdjustConfigFactory(app=IosAppFactory(name="Space Game"))
    AdjustAuthTokenFactory(config=config, name="only token")
    config.auth_active = True
    config.save()
    sign_in(page, "ada.admin")
    page.goto(f"/apps/{config.app.pk}/adjust-security/")
    expect(page.get_by_test_id("auth-state")).to_have_text("ON")

    page.get_by_role("button", name="Delete only token").click()

    expect(page.get_by_test_id("auth-state")).to_have_text("OFF")
    expect(page.locator(".messages")).to_contain_text("S2S authentication was switched off")


def test_a_developer_rotates_an_ingestion_token(page, developer):
    app = IosAppFactory(name="Space Game")
    _, old_clear = ingestion_token_create(name="game server", apps=[app], created_by=developer)
    sign_in(page, "dev.developer")
    page.goto("/tokens/")

    row = page.locator('tr[data-token="game server"]').first
    row.get_by_label("Grace period for game server").select_option(label="1 hour")
    row.get_by_role("button", name="Rotate").click()

    expect(page.get_by_role("status")).to_contain_text("rotated")
    new_clear = page.get_by_test_id("new-secret").inner_text()
    assert new_clear != old_clear
    assert ingestion_token_authenticate(raw=new_clear) is not None
    assert ingestion_token_authenticate(raw=old_clear) is not None  # within its grace hour


def test_an_admin_sees_a_failed_delivery_in_the_monitor_and_replays_it(
    page, admin, partner_sandbox
):
    config = AdjustConfigFactory(app=IosAppFactory(name="Space Game"))
    AdjustEventTokenFactory(config=config, event_name="purchase", event_token="xyzklm")
    event = EventFactory(app=config.app, name="purchase")
    Delivery.objects.create(
        event=event, destination=Destination.KOCHAVA, status=DeliveryStatus.DELIVERED
    )
    failed = Delivery.objects.create(
        event=event,
        destination=Destination.ADJUST,
        status=DeliveryStatus.FAILED,
        attempts=1,
        last_status_code=400,
        last_error="Invalid event token",
    )
    sign_in(page, "ada.admin")
    page.goto("/monitor/")

    expect(page.locator("#status-chart")).to_be_visible()
    row = page.locator(f'tr[data-delivery="{failed.pk}"]')
    expect(row).to_contain_text("Invalid event token")
    row.get_by_role("button", name="Replay").click()
    expect(page.locator(".messages")).to_contain_text("1 delivery queued again")

    delivery_attempt(delivery_id=failed.pk)  # what the worker does once the sweep queues it
    page.goto("/monitor/")

    expect(page.get_by_text("No failed deliveries.")).to_be_visible()
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.DELIVERED
    assert len(partner_sandbox.requests("/event")) == 1


def test_a_marketer_cannot_open_the_ingestion_tokens_page(page, marketer):
    sign_in(page, "mia.marketer")

    expect(page.get_by_role("link", name="Ingestion tokens")).to_have_count(0)
    response = page.goto("/tokens/")

    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


PAGES = [
    "/apps/",
    "/apps/{app}/",
    "/apps/{app}/partners/",
    "/callbacks/",
    "/callbacks/new/",
    "/apps/{app}/adjust-security/",
    "/tokens/",
    "/monitor/",
]


def assert_pages_fit(page):
    """Every page fits the window's width; each is screenshotted too, to look at."""
    app = App.objects.get()
    width = page.viewport_size["width"]
    for path in PAGES:
        page.goto(path.format(app=app.pk))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than the window"
        name = re.sub(r"\W+", "-", path.format(app="id")).strip("-")
        page.screenshot(path=screenshots_dir() / f"page-{width}px-{name}.png", full_page=True)


def seed_pages():
    config = AdjustConfigFactory(app=AndroidAppFactory(name="A game with a rather long name"))
    AdjustAuthTokenFactory(config=config, name="game server")
    CallbackFactory(name="Adjust clicks with a long descriptive name")
    event = EventFactory(app=config.app)
    Delivery.objects.create(
        event=event,
        destination=Destination.ADJUST,
        status=DeliveryStatus.DEAD,
        attempts=8,
        last_error="Internal error, contact support@adjust.com " * 3,
    )


def test_pages_fit_a_1280_px_window(open_page, admin):
    seed_pages()
    page = open_page(width=1280)
    sign_in(page, "ada.admin")

    assert_pages_fit(page)


def test_pages_fit_a_390_px_window(open_page, admin):
    seed_pages()
    page = open_page(width=390, height=844)
    sign_in(page, "ada.admin")

    assert_pages_fit(page)


def test_send_test_reaches_the_sandbox(page, marketer, partner_sandbox):
    template = CallbackTemplateFactory(
        url_template=f"{partner_sandbox.url}/network/click?idfa={{idfa}}&t={{tracker_token}}"
    )
    CallbackFactory(name="Sandbox clicks", template=template, values={"tracker_token": "abc123"})
    sign_in(page, "mia.marketer")
    page.goto("/callbacks/")

    page.locator('tr[data-callback="Sandbox clicks"]').get_by_role(
        "button", name="Send test"
    ).click()

    expect(page.get_by_test_id("test-status")).to_have_text("200")
    expect(page.get_by_test_id("test-result")).to_contain_text("ok")
    received = partner_sandbox.requests("/network/click")
    assert len(received) == 1
    assert "t=abc123" in received[0]["query"]
