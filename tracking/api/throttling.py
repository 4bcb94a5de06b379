import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate(text: str) -> tuple[int, int]:
    """'6000/min' -> (6000 requests, 60 seconds)."""
    count, _, period = text.partition("/")
    return int(count), PERIODS[period.strip()[0].lower()]


class IngestionTokenRateThrottle(BaseThrottle):
    """INGEST_RATE_LIMIT requests per period and per token, across all web processes when the
    cache is shared. A fixed-window counter: two cache operations a request, where DRF's
    SimpleRateThrottle reads and rewrites the list of every request's time in the window."""

    def allow_request(self, request, view):
        if request.auth is None:
            return True
        limit, period = _rate(settings.INGEST_RATE_LIMIT)
        now = time.time()
        window = int(now // period)
        key = f"ingest-throttle:{request.auth.prefix}:{window}"
        try:
            count = cache.incr(key)
        except ValueError:  # the window's first request (add() loses only to a concurrent one)
            count = 1 if cache.add(key, 1, period + 1) else cache.incr(key)
        self._wait = (window + 1) * period - now
        return count <= limit

    def wait(self):
        return self._wait
