"""Replay: failed and dead deliveries can be sent again (service, admin action, command)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import IosAppFactory, KochavaConfigFactory, UserFactory
from tests.tracking.conftest import delivery_for
from tracking.models import Delivery, DeliveryStatus, Destination
from tracking.services.delivery import deliveries_replay


def set_status(delivery: Delivery, status: str, **fields) -> Delivery:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, attempts=3, last_error="Internal error", queued_at=None, **fields
    )
    return delivery


def status_of(delivery: Delivery) -> str:
    return Delivery.objects.get(pk=delivery.pk).status


@pytest.fixture
def finished(partner_app):
    """One Kochava delivery in each final state."""
    return {
        status: set_status(delivery_for(partner_app, Destination.KOCHAVA), status)
        for status in (
            DeliveryStatus.FAILED,
            DeliveryStatus.DEAD,
            DeliveryStatus.DELIVERED,
            DeliveryStatus.SKIPPED,
        )
    }


def test_failed_and_dead_deliveries_start_again_from_a_clean_slate(finished):
    before = timezone.now()

    assert deliveries_replay() == 2

    for status in (DeliveryStatus.FAILED, DeliveryStatus.DEAD):
        delivery = Delivery.objects.get(pk=finished[status].pk)
        assert delivery.status == DeliveryStatus.PENDING
        assert (delivery.attempts, delivery.last_error, delivery.queued_at) == (0, "", None)
        assert delivery.next_attempt_at <= timezone.now()
        assert delivery.retry_until >= before + timedelta(hours=23)


def test_delivered_and_skipped_deliveries_are_never_replayed(finished):
    deliveries_replay(status=(DeliveryStatus.DELIVERED, DeliveryStatus.SKIPPED))

    assert status_of(finished[DeliveryStatus.DELIVERED]) == DeliveryStatus.DELIVERED
    assert status_of(finished[DeliveryStatus.SKIPPED]) == DeliveryStatus.SKIPPED


def test_replay_can_be_limited_to_one_status(finished):
    assert deliveries_replay(status=(DeliveryStatus.DEAD,)) == 1

    assert status_of(finished[DeliveryStatus.FAILED]) == DeliveryStatus.FAILED


def test_replay_can_be_limited_to_an_app_and_a_destination(finished, partner_app):
    other_app = IosAppFactory()
    KochavaConfigFactory(app=other_app)
    other = set_status(delivery_for(other_app, Destination.KOCHAVA), DeliveryStatus.FAILED)
    adjust = set_status(delivery_for(partner_app, Destination.ADJUST), DeliveryStatus.FAILED)

    count = deliveries_replay(app=partner_app, destination=Destination.KOCHAVA)

    assert count == 2
    assert status_of(other) == DeliveryStatus.FAILED
    assert status_of(adjust) == DeliveryStatus.FAILED


def test_replay_can_be_limited_to_recent_deliveries(finished):
    Delivery.objects.filter(pk=finished[DeliveryStatus.DEAD].pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )

    assert deliveries_replay(since=timezone.now() - timedelta(days=1)) == 1

    assert status_of(finished[DeliveryStatus.DEAD]) == DeliveryStatus.DEAD


def test_command_replays_with_filters_and_says_how_many(finished, partner_app):
    out = StringIO()

    call_command(
        "replay_deliveries",
        "--app",
        str(partner_app.pk),
        "--destination",
        "kochava",
        "--since",
        (timezone.now() - timedelta(days=1)).date().isoformat(),
        "--status",
        "failed",
        stdout=out,
    )

    assert out.getvalue().strip() == "1 failed deliveries queued again."
    assert status_of(finished[DeliveryStatus.DEAD]) == DeliveryStatus.DEAD


def test_command_refuses_an_unknown_app(db):
    with pytest.raises(CommandError, match="no such app"):
        call_command("replay_deliveries", "--app", "999999")


def test_command_refuses_an_unreadable_date(db):
    with pytest.raises(CommandError, match="give a date"):
        call_command("replay_deliveries", "--since", "last tuesday")


def test_admin_action_replays_the_selected_deliveries(finished, admin_client):
    chosen = finished[DeliveryStatus.FAILED]

    response = admin_client.post(
        reverse("admin:tracking_delivery_changelist"),
        {
            "action": "replay",
            "_selected_action": [chosen.pk, finished[DeliveryStatus.DELIVERED].pk],
        },
        follow=True,
    )

    assert "1 deliveries queued again." in response.content.decode()
    assert status_of(chosen) == DeliveryStatus.PENDING
    assert status_of(finished[DeliveryStatus.DEAD]) == DeliveryStatus.DEAD


def test_admin_action_is_not_offered_to_who_may_only_view_deliveries(finished, client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(viewer)

    response = client.post(
        reverse("admin:tracking_delivery_changelist"),
        {"action": "replay", "_selected_action": [finished[DeliveryStatus.FAILED].pk]},
    )

    assert response.status_code == 200  # the list again, with "no action selected"
    assert status_of(finished[DeliveryStatus.FAILED]) == DeliveryStatus.FAILED
