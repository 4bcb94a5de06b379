"""For any record our API could accept, every adapter either builds a request or raises its
permanent error (naming the rule), never another exception."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.models import Campaign
from partners.adapters import ADAPTERS
from partners.adapters.base import OutgoingRequest
from partners.errors import PermanentDeliveryError
from tests.factories import (
    AdjustAuthTokenFactory,
    AdjustConfigFactory,
    AdjustEventTokenFactory,
    AndroidAppFactory,
    AppsFlyerConfigFactory,
    CallbackFactory,
    IosAppFactory,
    KochavaConfigFactory,
)
from tracking.models import Delivery, Event, EventKind
from tracking.services.ingest import DEVICE_ID_FIELDS as DEVICE_ID_NAMES

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
revenues = st.decimals(
    min_value=Decimal("-99999999999999"),
    max_value=Decimal("99999999999999"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)
properties = st.fixed_dictionaries(
    {},
    optional={
        "callback_params": json_values,
        "partner_params": json_values,
        "custom_data": st.dictionaries(st.text(), json_values, max_size=4) | json_values,
    },
).flatmap(
    lambda fixed: st.dictionaries(st.text(max_size=10), json_values, max_size=4).map(
        lambda extra: {**extra, **fixed}
    )
)


@pytest.fixture
def apps(db):
    """One fully configured app per platform, each with a click callback."""
    configured = []
    for factory in (IosAppFactory, AndroidAppFactory):
        app = factory()
        adjust = AdjustConfigFactory(app=app)
        AdjustEventTokenFactory(config=adjust, event_name="purchase", event_token="xyzklm")
        AdjustAuthTokenFactory(config=adjust)
        KochavaConfigFactory(app=app)
        AppsFlyerConfigFactory(app=app)
        app.click_callback = CallbackFactory()
        configured.append(app)
    return configured


@st.composite
def events(draw, apps):
    app = draw(st.sampled_from(apps))
    campaign = draw(
        st.none()
        | st.builds(Campaign, app=st.just(app), name=st.text(min_size=1), pk=st.integers(1))
    )
    return Event(
        kind=draw(st.sampled_from(EventKind.values)),
        app=app,
        campaign=campaign,
        name=draw(st.sampled_from(["purchase", ""]) | st.text(max_size=100)),
        occurred_at=draw(st.none() | moments),
        received_at=draw(moments),
        device_ids=draw(
            st.dictionaries(st.sampled_from(DEVICE_ID_NAMES) | st.text(), json_scalars)
        ),
        ip=draw(st.none() | st.ip_addresses().map(str)),
        user_agent=draw(st.text()),
        os_version=draw(st.sampled_from(["", "13.7", "14", "17.1.2"]) | st.text(max_size=32)),
        device_model=draw(st.text(max_size=64)),
        app_version=draw(st.text(max_size=32)),
        revenue=draw(st.none() | revenues),
        currency=draw(st.sampled_from(["", "USD", "eur"]) | st.text(max_size=3)),
        att_status=draw(st.none() | st.integers(0, 3)),
        att_time=draw(st.none() | moments),
        att_duration_seconds=draw(st.none() | st.integers(0, 2**31 - 1)),
        ad_services_token=draw(st.text()),
        click_id=draw(st.text(max_size=255)),
        transaction_id=draw(st.text(max_size=255)),
        properties=draw(properties),
    )


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_adapter_builds_or_refuses_with_its_permanent_error(apps, data):
    # Given any record our API could accept, for a fully configured app
    event = data.draw(events(apps))

    for destination, adapter in ADAPTERS.items():
        config = event.app.click_callback if destination == "callback" else _config(event, adapter)

        # When the adapter builds it
        try:
            request = adapter.build(event, config)
        except PermanentDeliveryError as refused:
            # Then a refusal names the rule it applies
            assert refused.rule, destination
            continue

        # Then a built request is a complete, frozen request
        assert isinstance(request, OutgoingRequest)
        assert request.method in ("GET", "POST")
        assert request.full_url.startswith(("https://", "http://"))


def _config(event, adapter):
    return adapter.config_for(Delivery(event=event))
