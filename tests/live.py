"""Pytest fixtures that run live processes: the partner sandbox.

`partner_sandbox` starts `manage.py partner_sandbox` once per test session (per xdist worker) on
a free port, against the test database, and for each test resets it, points the partner URL
settings at it and allows 127.0.0.1 through the outbound guard. Tests using it are transactional
so the sandbox process sees their rows.
"""

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection

MANAGE = Path(__file__).resolve().parent.parent / "manage.py"
START_TIMEOUT = 30.0


def database_url_for_children() -> str:
    """The URL of the test database (as set up by pytest-django), for child processes."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a child process sharing this test run's database and secrets."""
    return {
        **os.environ,
        "DATABASE_URL": database_url_for_children(),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(django_settings.FIELD_ENCRYPTION_KEYS),
        **extra,
    }


@dataclass
class PartnerSandbox:
    url: str
    env: dict[str, str]

    def requests(self, path: str | None = None) -> list[dict]:
        params = {"path": path} if path else {}
        response = requests.get(f"{self.url}/_sandbox/requests", params=params, timeout=5)
        response.raise_for_status()
        return response.json()

    def clear(self) -> None:
        requests.delete(f"{self.url}/_sandbox/requests", timeout=5).raise_for_status()

    def reset(self) -> None:
        requests.post(f"{self.url}/_sandbox/reset", timeout=5).raise_for_status()

    def fault(
        self,
        path_prefix: str,
        *,
        status: int | None = None,
        hang_seconds: float | None = None,
        count: int = 1,
        retry_after: str | int | None = None,
    ) -> None:
        order = {"path_prefix": path_prefix, "count": count, "retry_after": retry_after}
        order.update({"status": status} if status else {"hang_seconds": hang_seconds})
        requests.post(f"{self.url}/_sandbox/faults", json=order, timeout=5).raise_for_status()

    def unique_event(self, event_token: str) -> None:
        """Make an Adjust event token unique: a second one per device is a duplicate."""
        requests.post(
            f"{self.url}/_sandbox/adjust/unique_events",
            json={"event_token": event_token},
            timeout=5,
        ).raise_for_status()

    def wait_for_requests(self, path: str, count: int, timeout: float = 15.0) -> list[dict]:
        """Poll the request log until `count` requests to `path` arrived, or the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.requests(path)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def read_first_line(process: subprocess.Popen, timeout: float) -> str:
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else ""


@pytest.fixture(scope="session")
def _partner_sandbox_process(django_db_setup, tmp_path_factory):
    env = child_env()
    stderr = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for the process's lifetime
        prefix="partner-sandbox-", suffix=".log", dir=tmp_path_factory.getbasetemp()
    )
    process = subprocess.Popen(
        [sys.executable, str(MANAGE), "partner_sandbox", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=env,
        text=True,
    )
    line = read_first_line(process, START_TIMEOUT)
    if "http://" not in line:
        process.kill()
        stderr.seek(0)
        raise RuntimeError(f"partner sandbox did not start: {stderr.read().decode()[-2000:]}")
    url = line.strip().split()[-1]
    try:
        _wait_until_answering(url)
        yield PartnerSandbox(url=url, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stderr.close()


def _wait_until_answering(url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            requests.get(f"{url}/_sandbox/requests", timeout=2).raise_for_status()
            return
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def partner_sandbox(_partner_sandbox_process, transactional_db, settings):
    sandbox = _partner_sandbox_process
    sandbox.reset()
    urls = {
        "ADJUST_S2S_URL": f"{sandbox.url}/event",
        "KOCHAVA_S2S_URL": f"{sandbox.url}/track/json",
        "APPSFLYER_S2S_EVENTS_URL": f"{sandbox.url}/inappevent/{{app_id}}",
        "APPSFLYER_CLICK_URL": f"{sandbox.url}/{{app_id}}",
    }
    for name, value in urls.items():
        setattr(settings, name, value)
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    sandbox.env.update(urls, OUTBOUND_ALLOWED_HOSTS="127.0.0.1")
    return sandbox
