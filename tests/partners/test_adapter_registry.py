"""The partner registry: one adapter per destination, each finding its stored configuration."""

import pytest

from partners.adapters import ADAPTERS
from tests.factories import EventFactory
from tracking.models import Delivery, Destination


def test_every_destination_has_exactly_one_adapter():
    assert set(ADAPTERS) == set(Destination.values)
    assert all(adapter.destination == name for name, adapter in ADAPTERS.items())


@pytest.mark.django_db
@pytest.mark.parametrize("destination", Destination.values)
def test_an_app_without_the_partner_configured_has_no_config(destination):
    event = EventFactory()

    assert ADAPTERS[destination].config_for(Delivery(event=event)) is None
