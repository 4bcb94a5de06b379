"""A circuit breaker per destination and partner host, so that a partner that is down is paused
briefly instead of being hammered, and its deliveries wait without using a worker.

State lives in Django's default cache (`CACHE_URL`): shared by every worker when that is Redis,
per process with the laptop's local-memory cache (each process then pauses on its own). Closed:
requests flow and transient failures are counted. After DELIVERY_CIRCUIT_FAILURES in a row it
opens for DELIVERY_CIRCUIT_PAUSE_SECONDS; then one probe goes through (half-open): a success
closes it, a failure opens it again.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

STATE_TTL_SECONDS = 24 * 3600
# While one probe is out, the others look again this soon.
PROBE_WAIT = timedelta(seconds=1)


def _keys(name: str) -> tuple[str, str, str]:
    base = f"delivery-circuit:{name}"
    return f"{base}:failures", f"{base}:open-until", f"{base}:probe"


def circuit_paused_until(*, name: str) -> datetime | None:
    """None when a request may go now; else when to look again."""
    _, open_key, probe_key = _keys(name)
    open_until = cache.get(open_key)
    if open_until is None:
        return None
    now = timezone.now()
    if now < open_until:
        return open_until
    if cache.add(probe_key, 1, timeout=settings.DELIVERY_SENDING_LEASE_SECONDS):
        return None
    return now + PROBE_WAIT


def circuit_success(*, name: str) -> None:
    failures_key, open_key, probe_key = _keys(name)
    if cache.get(failures_key) or cache.get(open_key):
        cache.delete_many([failures_key, open_key, probe_key])


def circuit_failure(*, name: str) -> bool:
    """Count a transient failure; True when it (re)opens the circuit."""
    failures_key, open_key, probe_key = _keys(name)
    half_open = cache.get(open_key) is not None
    cache.add(failures_key, 0, timeout=STATE_TTL_SECONDS)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # expired between add and incr
        failures = 1
    if not half_open and failures < settings.DELIVERY_CIRCUIT_FAILURES:
        return False
    pause = timedelta(seconds=settings.DELIVERY_CIRCUIT_PAUSE_SECONDS)
    cache.set(open_key, timezone.now() + pause, timeout=STATE_TTL_SECONDS)
    cache.delete(probe_key)
    return True
