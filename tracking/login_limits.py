"""Sign-in rate limit: failed attempts are counted per client IP and username in the cache.

Keying on both stops one client guessing one account's password without letting a single busy
office IP lock everyone out; the window and the count are settings (LOGIN_RATE_*).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(*, ip: str, username: str) -> str:
    # Hashed so that user-typed text never becomes a raw cache key (length, odd characters).
    digest = hashlib.sha256(f"{ip}|{username.strip().lower()}".encode()).hexdigest()
    return f"login-failures:{digest}"


def login_failures_exceeded(*, ip: str, username: str) -> bool:
    return cache.get(_key(ip=ip, username=username), 0) >= settings.LOGIN_RATE_LIMIT


def login_failure_record(*, ip: str, username: str) -> None:
    key = _key(ip=ip, username=username)
    # add() starts the window on the first failure; incr() keeps its expiry.
    if not cache.add(key, 1, timeout=settings.LOGIN_RATE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr(): this failure opens a new window
            cache.add(key, 1, timeout=settings.LOGIN_RATE_WINDOW_SECONDS)


def login_failures_clear(*, ip: str, username: str) -> None:
    cache.delete(_key(ip=ip, username=username))
