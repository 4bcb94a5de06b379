"""`make bench`: ingestion throughput under gunicorn on PostgreSQL + Redis.

Recreates and migrates the database s2s_bench, seeds an iOS app delivering to Adjust, AppsFlyer
and Kochava (three deliveries per in-app event) and an ingestion token, starts gunicorn on a free
port of 127.0.0.1, and drives it with wrk for a bounded time per scenario:
a bare Django view answering 202 with no work, single in-app event POSTs, and 1,000-record batch
POSTs. Prints requests/s, events/s, p50/p99 latency and the ratios to the targets (single events
at least 40% of the bare endpoint's requests/s; batches at least 10,000 events/s).

Run with the project's Python: `python tests/benchmarks/ingest.py`. Not a pytest module. Knobs:
BENCH_POSTGRES_URL (the server, default postgres://postgres@127.0.0.1:5432/postgres),
BENCH_REDIS_URL (broker and cache, default redis://127.0.0.1:6379/3; the bench deletes its
queues there afterwards), BENCH_SECONDS (per scenario, default 10; twice that for batches),
BENCH_WORKERS (gunicorn processes, default 4).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
DATABASE = "s2s_bench"
BATCH_SIZE = 1000
QUEUES = ("celery", "deliveries", "realtime")
IDFA = "11110111-2345-6789-1122-000000005678"
WRK = shutil.which("wrk")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(workdir: Path) -> dict:
    from cryptography.fernet import Fernet

    database_url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracking.settings",
        "DEBUG": "0",
        "SECRET_KEY": Fernet.generate_key().decode() * 2,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "INGEST_RATE_LIMIT": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(workdir),
        "STATIC_ROOT": str(workdir / "static"),
    }


def _database_reset() -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def _queues_purge() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(*QUEUES)
    for pattern in ("_kombu.binding*", ":1:ingest*"):
        keys = list(client.scan_iter(pattern, count=1000))
        if keys:
            client.delete(*keys)


def _seed(env: dict) -> tuple[str, int]:
    """The token and app id, made in this process against the bench database."""
    os.environ.update(env)
    import django

    django.setup()
    from campaigns.models import App, Platform
    from partners.models import AdjustConfig, AdjustEventToken, AppsFlyerConfig, KochavaConfig
    from tracking.services.tokens import ingestion_token_create

    app = App.objects.create(
        name="Bench Game", platform=Platform.IOS, bundle_id="com.example.bench", store_id="1"
    )
    adjust = AdjustConfig.objects.create(app=app, app_token="abc123kuvada7")
    AdjustEventToken.objects.create(config=adjust, event_name="purchase", event_token="xyzklm")
    AppsFlyerConfig.objects.create(app=app, appsflyer_app_id="id1", s2s_key="bench-key")
    KochavaConfig.objects.create(app=app, kochava_app_id="kobench")
    _, raw = ingestion_token_create(name="bench", apps=[app])
    from django.db import connections

    connections.close_all()
    return raw, app.pk


def _event(app_id: int) -> dict:
    return {
        "app": app_id,
        "event_name": "purchase",
        "revenue": 4.99,
        "currency": "USD",
        "idfa": IDFA,
        "appsflyer_id": "1415211453000-6513894",
        "ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)",
        "os_version": "17.1",
        "att_status": 3,
    }


def _wrk_script(workdir: Path, name: str, body: dict, token: str) -> Path:
    body_path = workdir / f"{name}.json"
    body_path.write_text(json.dumps(body))
    script = workdir / f"{name}.lua"
    script.write_text(
        f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local f = io.open("{body_path}", "rb")
wrk.body = f:read("*a")
f:close()
"""
    )
    return script


def _gunicorn(env: dict, port: int, workdir: Path) -> subprocess.Popen:
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.benchmarks.bare_wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            "2",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {workdir / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def _duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _wrk(url: str, script: Path, *, connections: int, seconds: int) -> dict:
    output = subprocess.run(
        [
            WRK,
            f"--threads={min(connections, 2)}",
            f"--connections={connections}",
            f"--duration={seconds}s",
            "--timeout=30s",
            "--latency",
            f"--script={script}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _duration_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99_ms": _duration_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "failed": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


def main() -> int:
    if not WRK:
        raise SystemExit("The load generator wrk is missing: apt-get install wrk.")
    workdir = Path(tempfile.mkdtemp(prefix="s2s-bench-"))
    env = _environment(workdir)
    print(f"Resetting database {DATABASE} and migrating...", flush=True)
    _database_reset()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    _queues_purge()
    token, app_id = _seed(env)
    event = _event(app_id)
    batch = {"records": [{"kind": "event", **event} for _ in range(BATCH_SIZE)]}
    scripts = {
        "bare": _wrk_script(workdir, "bare", event, token),
        "single": _wrk_script(workdir, "single", event, token),
        "batch": _wrk_script(workdir, "batch", batch, token),
    }
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"gunicorn: {WORKERS} workers on {base}; {SECONDS} s per scenario.", flush=True)
    server = _gunicorn(env, port, workdir)
    try:
        # Warm every worker's connections and caches first.
        _wrk(f"{base}/api/v1/events/", scripts["single"], connections=8, seconds=2)
        results = {
            "bare": _wrk(f"{base}/bench/bare/", scripts["bare"], connections=8, seconds=SECONDS),
            "single": _wrk(
                f"{base}/api/v1/events/", scripts["single"], connections=8, seconds=SECONDS
            ),
            # A batch takes seconds: a longer run, so that whole batches dominate the count.
            "batch": _wrk(
                f"{base}/api/v1/batch/", scripts["batch"], connections=2, seconds=2 * SECONDS
            ),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        _queues_purge()
    _report(results)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all(r["failed"] == 0 for r in results.values()) else 1


def _report(results: dict) -> None:
    events_per_request = {"bare": 0, "single": 1, "batch": BATCH_SIZE}
    labels = {
        "bare": "bare Django 202",
        "single": "single event",
        "batch": f"batch of {BATCH_SIZE:,}",
    }
    print()
    print(
        f"{'scenario':<18}{'requests/s':>12}{'events/s':>12}{'p50 ms':>10}{'p99 ms':>10}"
        f"{'non-2xx':>9}"
    )
    for name, result in results.items():
        events = result["requests_per_second"] * events_per_request[name]
        print(
            f"{labels[name]:<18}{result['requests_per_second']:>12,.1f}{events:>12,.0f}"
            f"{result['p50_ms']:>10.1f}{result['p99_ms']:>10.1f}{result['failed']:>9}"
        )
        if result["socket_errors"]:
            print(f"  socket errors: {result['socket_errors']}")
    single_ratio = results["single"]["requests_per_second"] / results["bare"]["requests_per_second"]
    batch_events = results["batch"]["requests_per_second"] * BATCH_SIZE
    print()
    print(
        f"single / bare requests/s: {single_ratio:.0%} (target >= 40%: "
        f"{'met' if single_ratio >= 0.4 else 'NOT met'})"
    )
    print(
        f"batch events/s: {batch_events:,.0f} (target >= 10,000: "
        f"{'met' if batch_events >= 10_000 else 'NOT met'})"
    )


if __name__ == "__main__":
    sys.exit(main())
