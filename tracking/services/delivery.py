"""Delivering records to partners: claimed atomically, sent one by one, each attempt a row.

A delivery moves pending -> sending (claimed by one worker, with a lease in `next_attempt_at`) ->
delivered, failed (permanent), dead (retries exhausted), or back to pending with the time of its
next try. Retry times live in the database, never only in the broker, and the sweep queues every
due delivery that has no message in flight, so restarts and lost messages lose nothing.

A message carries the ids of one destination's deliveries (`deliveries_attempt_batch`): they are
claimed together in one conditional UPDATE, then sent one after the other, each outcome committed
before the next request, so a worker killed mid-batch can repeat at most the request it had in
flight. One batch is one worker slot, which is what the in-flight cap counts.
"""

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from partners import http
from partners.adapters import ADAPTERS
from partners.adapters.base import Classification, Verdict
from partners.errors import PermanentDeliveryError, TransientDeliveryError
from partners.models import AppsFlyerConfig
from tracking.models import (
    AttemptOutcome,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Destination,
)
from tracking.outbox import deliveries_publish, queued_messages
from tracking.services.circuit import circuit_failure, circuit_paused_until, circuit_success

logger = logging.getLogger(__name__)

ACTIVE = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
REPLAYABLE = (DeliveryStatus.FAILED, DeliveryStatus.DEAD)
WORKER_LOST = "The worker stopped during an attempt; sending again (the partner may have it)."
WORKER_LOST_TOO_OFTEN = "The worker stopped during attempts until the age limit: given up."


@dataclass(frozen=True)
class _Result:
    classification: Classification
    status_code: int | None
    duration_ms: int
    request_summary: dict
    started_at: datetime


def _claim(delivery_ids: list[int], now: datetime) -> tuple[datetime, list[int]]:
    """pending -> sending in one conditional UPDATE: of two workers holding the same ids (a
    message and its re-queued copy), each delivery goes to exactly one. Returns the lease and the
    ids this call won; the lease's exact value also tells this claim apart from the others."""
    lease_until = now + timedelta(seconds=settings.DELIVERY_SENDING_LEASE_SECONDS)
    ops = connection.ops
    table = ops.quote_name(Delivery._meta.db_table)
    in_ids = ", ".join(["%s"] * len(delivery_ids))
    # Raw for RETURNING (PostgreSQL, SQLite >= 3.35): Django's update() only gives a count.
    # Only the quoted table name and placeholders are formatted in; every value is a parameter.
    sql = (
        f"UPDATE {table} SET status = %s, next_attempt_at = %s, queued_at = NULL "  # noqa: S608
        f"WHERE id IN ({in_ids}) AND status = %s AND next_attempt_at <= %s RETURNING id"
    )
    params = [
        DeliveryStatus.SENDING,
        ops.adapt_datetimefield_value(lease_until),
        *delivery_ids,
        DeliveryStatus.PENDING,
        ops.adapt_datetimefield_value(now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return lease_until, [row[0] for row in cursor.fetchall()]


def _release(delivery: Delivery, *, until: datetime, reason: str) -> None:
    """Give a claimed delivery back without an attempt; the sweep queues it again when due."""
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, next_attempt_at=until, queued_at=None, last_error=reason
    )


def _earlier_in_order(delivery: Delivery) -> Delivery | None:
    """partners.md 3, Ordering: an earlier record of the same key still to be sent, if any."""
    if not delivery.ordering_key:
        return None
    occurred = delivery.event.occurred_at
    return (
        Delivery.objects.filter(ordering_key=delivery.ordering_key, status__in=ACTIVE)
        .filter(
            Q(event__occurred_at__lt=occurred) | Q(event__occurred_at=occurred, pk__lt=delivery.pk)
        )
        .order_by("next_attempt_at")
        .only("status", "next_attempt_at")
        .first()
    )


def _ordering_wait(earlier: Delivery, now: datetime) -> datetime:
    soonest = now + timedelta(seconds=settings.DELIVERY_RECHECK_SECONDS)
    # A sending one's next_attempt_at is its lease, not when it will be done: look again soon.
    if earlier.status == DeliveryStatus.SENDING:
        return soonest
    return max(soonest, earlier.next_attempt_at)


def _destination_busy(destination: str, lease_until: datetime, now: datetime) -> bool:
    """Whether the destination already has its share of worker slots busy (live claims other
    than this one: a claim is one message's deliveries, sent one at a time), so that a slow or
    hanging partner never holds every worker slot."""
    limit = settings.DELIVERY_MAX_IN_FLIGHT_PER_DESTINATION
    if not limit:
        return False
    claims = (
        Delivery.objects.filter(
            destination=destination, status=DeliveryStatus.SENDING, next_attempt_at__gt=now
        )
        .exclude(next_attempt_at=lease_until)
        .values("next_attempt_at")
        .distinct()
        .count()
    )
    return claims >= limit


def _circuit_name(delivery: Delivery, url: str) -> str:
    return f"{delivery.destination}:{urlsplit(url).hostname or ''}"


def _label(delivery: Delivery) -> str:
    return Destination(delivery.destination).label


def _send(delivery: Delivery, request, *, adapter) -> _Result:
    started_at = timezone.now()
    started = time.monotonic()
    status_code = None
    try:
        response = http.send(request)
    except TransientDeliveryError as error:
        classification = Classification(Verdict.TRANSIENT, error.message, error.retry_after)
        status_code = error.status_code
    except PermanentDeliveryError as error:
        classification = Classification(Verdict.PERMANENT, error.message)
        status_code = error.status_code
    else:
        classification = adapter.classify(response)
        status_code = response.status_code
    return _Result(
        classification=classification,
        status_code=status_code,
        duration_ms=int((time.monotonic() - started) * 1000),
        request_summary=http.request_summary(request),
        started_at=started_at,
    )


def _refused(message: str, started_at: datetime) -> _Result:
    """An attempt that never reached the partner: not configured, or the record breaks a rule."""
    return _Result(
        classification=Classification(Verdict.PERMANENT, message),
        status_code=None,
        duration_ms=0,
        request_summary={},
        started_at=started_at,
    )


def delivery_retry_at(
    *, delivery: Delivery, attempt: int, retry_after: float | None, now: datetime
):
    """When to try again after the `attempt`-th failure, or None when it is time to give up.

    The schedule's step for this attempt (the last step repeats), spread by +/- the jitter so that
    a partner's recovery is not met by every retry at once; a 429's Retry-After wins when given.
    """
    schedule = settings.DELIVERY_RETRY_SCHEDULE
    jitter = settings.DELIVERY_RETRY_JITTER
    if retry_after is not None and retry_after > 0:
        delay = retry_after * random.uniform(1, 1 + jitter)
    else:
        step = schedule[min(attempt, len(schedule)) - 1]
        delay = step * random.uniform(1 - jitter, 1 + jitter)
    retry_at = now + timedelta(seconds=delay)
    give_up_at = delivery.retry_until or delivery.created_at + timedelta(
        hours=settings.DELIVERY_MAX_AGE_HOURS
    )
    return retry_at if retry_at <= give_up_at else None


def _outcome(verdict: Verdict) -> str:
    return {
        Verdict.DELIVERED: AttemptOutcome.DELIVERED,
        Verdict.WARNING: AttemptOutcome.WARNING,
        Verdict.TRANSIENT: AttemptOutcome.TRANSIENT,
        Verdict.PERMANENT: AttemptOutcome.PERMANENT,
    }[verdict]


def _changes(delivery: Delivery, result: _Result, now: datetime) -> dict:
    verdict = result.classification.verdict
    message = result.classification.message
    changes = {"attempts": F("attempts") + 1, "last_status_code": result.status_code}
    if verdict in (Verdict.DELIVERED, Verdict.WARNING):
        return changes | {
            "status": DeliveryStatus.DELIVERED,
            "delivered_at": now,
            "last_error": "",
            "warning": message if verdict == Verdict.WARNING else "",
        }
    if verdict == Verdict.PERMANENT:
        return changes | {"status": DeliveryStatus.FAILED, "last_error": message}
    attempt = delivery.attempts + 1
    retry_at = delivery_retry_at(
        delivery=delivery, attempt=attempt, retry_after=result.classification.retry_after, now=now
    )
    if retry_at is None:
        return changes | {
            "status": DeliveryStatus.DEAD,
            "last_error": f"{message} (gave up after {attempt} attempts over "
            f"{settings.DELIVERY_MAX_AGE_HOURS:g} hours)",
        }
    return changes | {
        "status": DeliveryStatus.PENDING,
        "next_attempt_at": retry_at,
        "queued_at": None,
        "last_error": message,
    }


@transaction.atomic
def _record(delivery: Delivery, result: _Result) -> None:
    now = timezone.now()
    DeliveryAttempt.objects.create(
        delivery=delivery,
        started_at=result.started_at,
        duration_ms=result.duration_ms,
        status_code=result.status_code,
        outcome=_outcome(result.classification.verdict),
        partner_message=result.classification.message,
        request_summary=result.request_summary,
    )
    # Also when the sweep took the claim back meanwhile (a very slow attempt): the partner has
    # answered, and a delivered record must not be sent again.
    Delivery.objects.filter(pk=delivery.pk, status__in=ACTIVE).update(
        **_changes(delivery, result, now)
    )
    if result.classification.credentials_problem:
        AppsFlyerConfig.objects.filter(app_id=delivery.event.app_id).update(
            credentials_error=result.classification.message
        )


@dataclass
class _Claim:
    """One message's claimed deliveries: the lease, until when more may be sent under it, and
    what was looked up once for all of them."""

    lease_until: datetime
    send_until: float
    configs: dict = field(default_factory=dict)
    busy: bool | None = None

    def destination_busy(self, destination: str, now: datetime) -> bool:
        # Asked once: the whole claim is one worker slot, whatever its size.
        if self.busy is None:
            self.busy = _destination_busy(destination, self.lease_until, now)
        return self.busy

    def config(self, delivery: Delivery, adapter):
        key = (delivery.destination, delivery.event.app_id, delivery.callback_id)
        if key not in self.configs:
            self.configs[key] = adapter.config_for(delivery)
        return self.configs[key]


def _held_back(
    delivery: Delivery, circuit: str, claim: _Claim, now: datetime
) -> tuple[datetime, str] | None:
    """Until when, and why, a delivery ready to send must wait instead; None when it may go.
    The circuit comes last: letting this one through may make it the half-open probe."""
    if claim.destination_busy(delivery.destination, now):
        return (
            now + timedelta(seconds=settings.DELIVERY_RECHECK_SECONDS),
            f"{_label(delivery)} has many requests in flight: waiting for a free slot.",
        )
    paused_until = circuit_paused_until(name=circuit)
    if paused_until is not None:
        return paused_until, f"{_label(delivery)} failed many times in a row: paused briefly."
    return None


def _attempt(delivery: Delivery, claim: _Claim, now: datetime) -> tuple[_Result, str] | None:
    """Build and send; the result and the circuit it counts for ("" when the partner was not
    asked), or None when the delivery was held back for later."""
    adapter = ADAPTERS[delivery.destination]
    config = claim.config(delivery, adapter)
    if config is None:
        return _refused(f"{_label(delivery)} is no longer configured for this app.", now), ""
    try:
        request = adapter.build(delivery.event, config)
    except PermanentDeliveryError as error:
        return _refused(error.message, now), ""
    circuit = _circuit_name(delivery, request.url)
    held = _held_back(delivery, circuit, claim, now)
    if held is not None:
        _release(delivery, until=held[0], reason=held[1])
        return None
    return _send(delivery, request, adapter=adapter), circuit


def _circuit_update(circuit: str, result: _Result) -> None:
    if not circuit:
        return
    if result.classification.verdict != Verdict.TRANSIENT:
        circuit_success(name=circuit)
    elif circuit_failure(name=circuit):
        logger.warning("Circuit %s opened after repeated transient failures.", circuit)


def _unexpected(error: Exception, now: datetime) -> _Result:
    return _Result(
        classification=Classification(
            Verdict.TRANSIENT, f"Unexpected error while delivering ({type(error).__name__})."
        ),
        status_code=None,
        duration_ms=0,
        request_summary={},
        started_at=now,
    )


def _deliver_claimed(delivery: Delivery, claim: _Claim) -> None:
    now = timezone.now()
    earlier = _earlier_in_order(delivery)
    if earlier is not None:
        _release(
            delivery,
            until=_ordering_wait(earlier, now),
            reason="Waiting for an earlier event of this device to be delivered first.",
        )
        return
    try:
        attempted = _attempt(delivery, claim, now)
    except Exception as error:
        # A bug must not leave the delivery claimed and retried forever: it is recorded as an
        # attempt, retried on the schedule, then dead (and replayable once fixed).
        logger.exception("Delivery %s: unexpected error.", delivery.pk)
        attempted = _unexpected(error, now), ""
    if attempted is None:
        return
    result, circuit = attempted
    # Committed before the next request: a worker killed now repeats nothing already answered.
    _record(delivery, result)
    if result.classification.credentials_problem:
        claim.configs.clear()  # the configuration was just flagged: read it again
    _circuit_update(circuit, result)


def deliveries_attempt_batch(*, delivery_ids: list[int]) -> None:
    """Send those of the deliveries that are due and that no one else holds, in occurred-time
    order (partners.md 3, Ordering), one request at a time. Safe to run any number of times: a
    delivery already delivered, failed or being sent elsewhere is left alone."""
    if not delivery_ids:
        return
    now = timezone.now()
    lease_until, claimed = _claim(list(delivery_ids), now)
    if not claimed:
        return
    # Half the lease, so the last request (bounded by the HTTP timeouts) ends before the sweep
    # could take the claim back and send a copy.
    claim = _Claim(
        lease_until=lease_until,
        send_until=time.monotonic() + settings.DELIVERY_SENDING_LEASE_SECONDS / 2,
    )
    deliveries = sorted(
        Delivery.objects.filter(pk__in=claimed).select_related("event__app", "callback__template"),
        key=lambda delivery: (delivery.event.occurred_at, delivery.pk),
    )
    for index, delivery in enumerate(deliveries):
        if time.monotonic() > claim.send_until:
            # A slow partner: the rest go back for the sweep to queue at once.
            Delivery.objects.filter(
                pk__in=[d.pk for d in deliveries[index:]], status=DeliveryStatus.SENDING
            ).update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), queued_at=None)
            return
        _deliver_claimed(delivery, claim)


def delivery_attempt(*, delivery_id: int) -> None:
    """Send one delivery if it is due and no one else holds it (see deliveries_attempt_batch)."""
    deliveries_attempt_batch(delivery_ids=[delivery_id])


def _due_for_sweep(now: datetime):
    """Due deliveries with no message: never queued, or queued so long ago that the message is
    presumed lost. Only the first kind while the queues are deep: a deep queue means workers are
    behind, not that messages were lost, and copies would only deepen it."""
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    waiting = queued_messages()
    # A message names up to DELIVERY_BATCH_SIZE deliveries: count each as full (deep sooner).
    if waiting is None or waiting * settings.DELIVERY_BATCH_SIZE >= settings.DELIVERY_SWEEP_BATCH:
        return due.filter(queued_at__isnull=True)
    requeue_before = now - timedelta(seconds=settings.DELIVERY_REQUEUE_AFTER_SECONDS)
    return due.filter(Q(queued_at__isnull=True) | Q(queued_at__lt=requeue_before))


def deliveries_sweep(*, now: datetime | None = None) -> int:
    """Take back claims whose worker died, and queue every due delivery with no message in
    flight: at most DELIVERY_SWEEP_PER_APP per app per run, so that one app's retry wave or
    replay is interleaved with the others' instead of queued ahead of them. Returns how many."""
    now = now or timezone.now()
    abandoned = Delivery.objects.filter(status=DeliveryStatus.SENDING, next_attempt_at__lt=now)
    # One whose attempts keep killing the worker must stop some day, like any other failure.
    expired = Q(retry_until__lt=now) | Q(
        retry_until__isnull=True,
        created_at__lt=now - timedelta(hours=settings.DELIVERY_MAX_AGE_HOURS),
    )
    abandoned.filter(expired).update(status=DeliveryStatus.DEAD, last_error=WORKER_LOST_TOO_OFTEN)
    reclaimed = abandoned.update(
        status=DeliveryStatus.PENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now,
        queued_at=None,
        last_error=WORKER_LOST,
    )
    if reclaimed:
        logger.warning("Took back %d deliveries from workers that stopped mid-attempt.", reclaimed)
    due = _due_for_sweep(now)
    app_ids = list(
        due.order_by()
        .values_list("event__app_id", flat=True)
        .distinct()[: settings.DELIVERY_SWEEP_BATCH]
    )
    rows: list[tuple[int, str]] = []
    for app_id in app_ids:
        room = settings.DELIVERY_SWEEP_BATCH - len(rows)
        if room <= 0:
            break
        rows += list(
            due.filter(event__app_id=app_id)
            .order_by("next_attempt_at")
            .values_list("pk", "destination", "callback_id")[
                : min(room, settings.DELIVERY_SWEEP_PER_APP)
            ]
        )
    published = deliveries_publish(rows)
    if published:
        Delivery.objects.filter(pk__in=published, status=DeliveryStatus.PENDING).update(
            queued_at=now
        )
    return len(published)


@transaction.atomic
def deliveries_replay(
    *,
    app=None,
    destination: str | None = None,
    since: datetime | None = None,
    status: tuple[str, ...] = REPLAYABLE,
    ids=None,
) -> int:
    """Send failed or dead deliveries again from a clean slate (their attempt rows are kept).
    Returns how many were queued for the sweep's next run."""
    wanted = [s for s in status if s in REPLAYABLE]
    deliveries = Delivery.objects.filter(status__in=wanted)
    if app is not None:
        deliveries = deliveries.filter(event__app=app)
    if destination:
        deliveries = deliveries.filter(destination=destination)
    if since is not None:
        deliveries = deliveries.filter(created_at__gte=since)
    if ids is not None:
        deliveries = deliveries.filter(pk__in=list(ids))
    now = timezone.now()
    return Delivery.objects.filter(pk__in=deliveries.values("pk")).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        queued_at=None,
        retry_until=now + timedelta(hours=settings.DELIVERY_MAX_AGE_HOURS),
        last_error="",
    )
