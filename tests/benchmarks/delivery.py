"""Delivery speed: one worker process against the live partner sandbox, on loopback only.

Starts the partner sandbox and one `celery worker` process on a scratch SQLite database under a
temporary VAR_DIR (the filesystem broker there too, unless CELERY_BROKER_URL is set),
queues BENCH_DELIVERIES Kochava installs, and times them until all are delivered. In the same run
it times a plain loop of requests.Session posts of the same body to the same sandbox, and prints
both rates and their ratio (target: at least 60% per worker process). Bounded in count and time.

    python tests/benchmarks/delivery.py        (or: make bench)

BENCH_DELIVERIES (1000), BENCH_CONCURRENCY (4) and BENCH_POOL (threads) vary the run.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
COUNT = int(os.environ.get("BENCH_DELIVERIES", "1000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
POOL = os.environ.get("BENCH_POOL", "threads")
DEADLINE_SECONDS = 300.0


def _prepare_environment() -> str:
    """A scratch VAR_DIR, so the bench never touches the developer's data."""
    var_dir = tempfile.mkdtemp(prefix="s2s-delivery-bench-")
    os.environ["VAR_DIR"] = var_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracking.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    return var_dir


def _start_sandbox(env: dict) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "partner_sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    line = process.stdout.readline()
    if "http://" not in line:
        process.kill()
        raise SystemExit(f"The partner sandbox did not start: {line!r}")
    return process, line.strip().split()[-1]


def _start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [
                str(celery),
                "-A",
                "tracking",
                "worker",
                "--pool",
                POOL,
                "--concurrency",
                str(CONCURRENCY),
                "--queues",
                "realtime,deliveries,celery",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )


def _queue_installs(count: int):
    from django.db import transaction

    from tests.factories import EventFactory, IosAppFactory, KochavaConfigFactory
    from tracking.models import Delivery, Event
    from tracking.outbox import deliveries_enqueue_on_commit
    from tracking.routing import deliveries_plan

    app = IosAppFactory()
    KochavaConfigFactory(app=app)
    events = [
        EventFactory.build(
            app=app,
            kind="install",
            name="",
            device_ids={"idfa": f"00000000-0000-4000-8000-{n:012d}"},
        )
        for n in range(count)
    ]
    with transaction.atomic():
        Event.objects.bulk_create(events)
        deliveries = Delivery.objects.bulk_create(
            [delivery for event in events for delivery in deliveries_plan(event)]
        )
        deliveries_enqueue_on_commit([d.pk for d in deliveries])
    return Delivery.objects.filter(event__app=app)


def _wait_delivered(deliveries, count: int, started: float) -> float:
    from tracking.models import DeliveryStatus

    while True:
        delivered = deliveries.filter(status=DeliveryStatus.DELIVERED).count()
        if delivered >= count:
            return time.monotonic() - started
        if time.monotonic() - started > DEADLINE_SECONDS:
            raise SystemExit(f"Only {delivered}/{count} delivered in {DEADLINE_SECONDS:g} s.")
        time.sleep(0.05)


def _plain_loop(url: str, body: bytes, count: int) -> float:
    import requests

    session = requests.Session()
    started = time.monotonic()
    for _ in range(count):
        session.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=10)
    return time.monotonic() - started


def main() -> None:
    var_dir = _prepare_environment()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from tracking.models import Delivery

    call_command("migrate", verbosity=0)
    env = {**os.environ, "OUTBOUND_ALLOWED_HOSTS": "127.0.0.1"}
    sandbox, url = _start_sandbox(env)
    env |= {"KOCHAVA_S2S_URL": f"{url}/track/json"}
    settings.KOCHAVA_S2S_URL = env["KOCHAVA_S2S_URL"]
    worker = _start_worker(env, Path(var_dir) / "worker.log")
    try:
        deliveries = _queue_installs(COUNT)
        started = time.monotonic()
        worker_seconds = _wait_delivered(deliveries, COUNT, started)
        body = (
            Delivery.objects.filter(pk=deliveries.first().pk)
            .values_list("attempt_rows__request_summary", flat=True)[0]["body"]
            .encode()
        )
        plain_seconds = _plain_loop(env["KOCHAVA_S2S_URL"], body, COUNT)
    finally:
        worker.terminate()
        sandbox.terminate()
        worker.wait(timeout=30)
        sandbox.wait(timeout=30)
    shutil.rmtree(var_dir)  # kept when the run failed, for its worker.log
    worker_rate, plain_rate = COUNT / worker_seconds, COUNT / plain_seconds
    print(f"Delivered {COUNT} Kochava installs with 1 worker ({POOL} pool x{CONCURRENCY}):")
    print(f"  worker:     {worker_rate:8.1f} deliveries/s ({worker_seconds:.2f} s)")
    print(f"  plain loop: {plain_rate:8.1f} requests/s ({plain_seconds:.2f} s)")
    print(f"  ratio:      {worker_rate / plain_rate:8.1%} (target >= 60%)")


if __name__ == "__main__":
    main()
