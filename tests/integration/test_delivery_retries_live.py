"""Retries against the live sandbox: transient failures retry until delivered, permanent ones
stop at once with the partner's message (partners.md 3, Responses)."""

from tests.factories import AdjustConfigFactory, AdjustEventTokenFactory, IosAppFactory
from tests.integration.conftest import record, wait_for_status
from tracking.models import AttemptOutcome, DeliveryStatus, Destination


def test_three_server_errors_then_delivered_on_the_fourth_attempt(
    live_app, partner_sandbox, celery_worker_process
):
    """partners.md 2: 5xx are transient."""
    partner_sandbox.fault("/track/json", status=500, count=3)

    event = record(live_app, name="purchase")

    kochava = event.deliveries.get(destination=Destination.KOCHAVA)
    wait_for_status([kochava], DeliveryStatus.DELIVERED, timeout=30)
    outcomes = list(kochava.attempt_rows.order_by("started_at").values_list("outcome", flat=True))
    assert outcomes == [AttemptOutcome.TRANSIENT] * 3 + [AttemptOutcome.DELIVERED]
    assert len(partner_sandbox.requests("/track/json")) == 4


def test_invalid_event_token_fails_after_one_attempt_with_adjusts_message(
    partner_sandbox, celery_worker_process
):
    """partners.md 3, Responses: 400 Invalid event token is permanent; its message is shown."""
    # Adjust knows the app token from another dashboard entry, without our event token: the
    # sandbox checks the first configuration holding the app token, this one.
    AdjustConfigFactory(app=IosAppFactory(), app_token="sharedtoken1")
    app = IosAppFactory()
    AdjustEventTokenFactory(config=AdjustConfigFactory(app=app, app_token="sharedtoken1"))

    event = record(app, name="purchase")

    adjust = event.deliveries.get(destination=Destination.ADJUST)
    wait_for_status([adjust], DeliveryStatus.FAILED, timeout=30)
    adjust.refresh_from_db()
    assert adjust.last_error == "Invalid event token"
    assert adjust.attempt_rows.count() == 1
    assert adjust.attempt_rows.get().status_code == 400
