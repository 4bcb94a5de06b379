"""POST installs/, events/, clicks/, views/: accepted records and field-level refusals."""

import pytest

from campaigns.models import Platform
from tests.factories import (
    AndroidAppFactory,
    CampaignFactory,
    IosAppFactory,
    KochavaConfigFactory,
)
from tests.tracking.api_support import GAID, IDFA, api_for, ios_event
from tracking.models import Delivery, Event, EventKind

pytestmark = pytest.mark.django_db


def test_an_in_app_event_is_stored_and_answered_202_with_its_id():
    app = IosAppFactory()
    api = api_for(app)

    response = api.post("events/", ios_event(app, revenue=4.99, currency="USD"))

    assert response.status_code == 202
    event = Event.objects.get()
    assert response.json()["id"] == str(event.id)
    assert (event.kind, event.name, str(event.revenue), event.currency) == (
        EventKind.EVENT,
        "purchase",
        "4.990000",
        "USD",
    )
    assert event.device_ids["idfa"] == IDFA
    assert event.ingestion_token_id == api.token.pk


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("installs/", EventKind.INSTALL),
        ("clicks/", EventKind.CLICK),
        ("views/", EventKind.VIEW),
    ],
)
def test_each_endpoint_stores_its_kind(path, kind):
    app = IosAppFactory()

    response = api_for(app).post(path, {"app": app.pk, "idfa": IDFA, "att_status": 3})

    assert response.status_code == 202
    assert Event.objects.get().kind == kind


def test_the_app_may_be_named_by_its_bundle_id():
    app = IosAppFactory()

    response = api_for(app).post("installs/", {"app": app.bundle_id, "idfa": IDFA})

    assert response.status_code == 202
    assert Event.objects.get().app == app


def test_a_bundle_id_shared_by_both_platforms_needs_the_platform():
    ios = IosAppFactory(bundle_id="com.example.shared")
    android = AndroidAppFactory(bundle_id="com.example.shared")
    api = api_for(ios, android)

    ambiguous = api.post("installs/", {"app": "com.example.shared", "gps_adid": GAID})
    named = api.post(
        "installs/",
        {"app": "com.example.shared", "platform": Platform.ANDROID, "gps_adid": GAID},
    )

    assert ambiguous.status_code == 400
    assert "platform" in ambiguous.json()["app"][0]
    assert named.status_code == 202
    assert Event.objects.get().app == android


def test_an_unknown_app_is_a_field_error():
    app = IosAppFactory()

    response = api_for(app).post("installs/", {"app": "com.example.nothing"})

    assert response.status_code == 400
    assert "app" in response.json()


def test_a_click_carries_its_click_id_transaction_id_and_campaign():
    campaign = CampaignFactory(name="Winter sale")
    app = campaign.app

    response = api_for(app).post(
        "clicks/",
        {
            "app": app.pk,
            "idfa": IDFA,
            "click_id": "cb-1",
            "transaction_id": "1234567",
            "campaign": "Winter sale",
        },
    )

    assert response.status_code == 202
    event = Event.objects.get()
    assert (event.click_id, event.transaction_id, event.campaign) == ("cb-1", "1234567", campaign)


def test_an_unknown_campaign_is_a_field_error():
    app = IosAppFactory()

    response = api_for(app).post("clicks/", {"app": app.pk, "campaign": "Nope"})

    assert response.status_code == 400
    assert "campaign" in response.json()
    assert not Event.objects.exists()


def test_the_response_lists_the_planned_deliveries_with_why_skipped():
    app = KochavaConfigFactory(app=IosAppFactory()).app

    response = api_for(app).post("installs/", {"app": app.pk, "idfa": IDFA, "att_status": 3})

    assert response.json()["deliveries"] == [
        {"destination": "kochava", "status": "pending", "reason": ""}
    ]
    assert Delivery.objects.get().destination == "kochava"


def test_one_enqueue_after_commit_for_the_records_deliveries(django_capture_on_commit_callbacks):
    app = KochavaConfigFactory(app=IosAppFactory()).app
    api = api_for(app)

    with django_capture_on_commit_callbacks() as callbacks:
        api.post("installs/", {"app": app.pk, "idfa": IDFA, "att_status": 3})

    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("callback_params", {"order": {"id": "1"}}),
        ("callback_params", {"order_id": 7731}),
        ("partner_params", ["a", "b"]),
        ("partner_params", {"sku": None}),
    ],
)
def test_callback_and_partner_params_must_be_flat_string_maps(field, value):
    """partners.md §3 Custom data: "each a flat JSON object of string values ... Nested or
    non-string values are a 400 from us, before delivery"."""
    app = IosAppFactory()

    response = api_for(app).post("events/", ios_event(app, **{field: value}))

    assert response.status_code == 400
    assert field in response.json()
    assert not Event.objects.exists()


def test_custom_data_may_be_any_json_object():
    app = IosAppFactory()

    response = api_for(app).post(
        "events/", ios_event(app, custom_data={"level": 7, "items": [{"sku": "gems"}]})
    )

    assert response.status_code == 202
    assert Event.objects.get().properties["custom_data"]["level"] == 7


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"revenue": 4.99}, "currency"),
        ({"revenue": 4.99, "currency": "XYZ"}, "currency"),
        ({"revenue": "lots", "currency": "USD"}, "revenue"),
        ({"revenue": True, "currency": "USD"}, "revenue"),
        ({"revenue": 1e300, "currency": "USD"}, "revenue"),
        ({"att_status": 4}, "att_status"),
        ({"att_status": "3"}, "att_status"),
        ({"idfa": "not-a-uuid"}, "idfa"),
        ({"ip": "999.1.1.1"}, "ip"),
        ({"event_name": 42}, "event_name"),
        ({"event_name": ""}, "event_name"),
        ({"gaid": GAID}, "gaid"),
        ({"app": None}, "app"),
        ({"app": True}, "app"),
        ({"app": {"id": 1}}, "app"),
        ({"user_agent": "a\x00b"}, "user_agent"),
        ({"custom_data": {"k": "\ud800"}}, "custom_data"),
    ],
)
def test_invalid_fields_are_400_with_the_field_named(fields, bad):
    app = IosAppFactory()

    response = api_for(app).post("events/", ios_event(app, **fields))

    assert response.status_code == 400
    assert bad in response.json()
    assert not Event.objects.exists()


def test_revenue_given_as_a_float_is_kept_to_six_decimals():
    app = IosAppFactory()

    api_for(app).post("events/", ios_event(app, revenue=0.1 + 0.2, currency="eur"))

    event = Event.objects.get()
    assert (str(event.revenue), event.currency) == ("0.300000", "EUR")


def test_a_refund_may_carry_negative_revenue():
    """partners.md §5: "af_revenue may be negative (refunds)"."""
    app = IosAppFactory()

    response = api_for(app).post("events/", ios_event(app, revenue="-4.99", currency="USD"))

    assert response.status_code == 202


def test_a_partner_configured_meanwhile_gets_the_next_record():
    app = IosAppFactory()
    api = api_for(app)
    api.post("installs/", {"app": app.pk, "idfa": IDFA, "att_status": 3})

    KochavaConfigFactory(app=app)
    response = api.post("installs/", {"app": app.pk, "idfa": IDFA, "att_status": 3})

    assert [d["destination"] for d in response.json()["deliveries"]] == ["kochava"]
