"""Pytest fixtures that run real Celery workers (and private redis-servers for fault tests).

`celery_worker_process` starts one `celery -A tracking worker` (with the beat sweep embedded)
against the test database, the broker of this test run (the filesystem broker in plain runs,
CELERY_BROKER_URL in CI) and the partner sandbox, and stops it at teardown. `worker_launcher`
starts and kills workers at will, and `private_redis` starts a redis-server of the test's own on
a free port, so that fault tests can stop brokers and kill workers without touching any shared
service. Each worker's log goes to a file that is printed when a test fails.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kombu import Connection
from kombu import pools as kombu_pools

from tests.live import child_env
from tracking import outbox
from tracking.celery import app as celery_app
from tracking.outbox import DELIVERIES_QUEUE, REALTIME_QUEUE

START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
QUEUES = (REALTIME_QUEUE, DELIVERIES_QUEUE, "celery")
# Short waits so that retries, lost messages and dead workers are dealt with within a test.
TEST_WORKER_ENV = {
    "DELIVERY_SWEEP_SECONDS": "0.5",
    "DELIVERY_RETRY_SCHEDULE": "0.5,0.5,0.5,0.5,0.5",
    "DELIVERY_RETRY_JITTER": "0",
    "DELIVERY_REQUEUE_AFTER_SECONDS": "15",
    "DELIVERY_SENDING_LEASE_SECONDS": "10",
    "DELIVERY_RECHECK_SECONDS": "0.2",
    "DELIVERY_CIRCUIT_PAUSE_SECONDS": "5",
    "DELIVERY_MAX_IN_FLIGHT_PER_DESTINATION": "2",
    "HTTP_READ_TIMEOUT": "3",
    "LOG_LEVEL": "INFO",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, interval: float = 0.1, message=""):
    """Poll `condition` until it returns something truthy; fail with `message` (a text, or a
    function giving one) at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            said = message() if callable(message) else message
            raise AssertionError(f"Timed out after {timeout:g} s: {said or condition}")
        time.sleep(interval)


def _transport_options(url: str) -> dict:
    if url.startswith("redis"):
        return {"socket_connect_timeout": 1.0, "socket_timeout": 5.0, "visibility_timeout": 3600}
    return {}


@contextmanager
def celery_broker(url: str, transport_options: dict | None = None) -> Iterator[str]:
    """Point this process's Celery app (what the API publishes with) at another broker."""
    conf = celery_app.conf
    saved = (conf.get("broker_write_url"), conf.broker_transport, conf.broker_transport_options)
    options = _transport_options(url) if transport_options is None else transport_options
    _use_broker(url, None, options)
    try:
        yield url
    finally:
        _use_broker(*saved)


def _use_broker(url: str | None, transport: str | None, transport_options: dict) -> None:
    kombu_pools.reset()  # drop the producer and connection pools of the previous broker
    # The write URL, since CELERY_BROKER_URL in the environment wins over conf.broker_url.
    celery_app.conf.broker_write_url = url
    celery_app.conf.broker_transport = transport
    celery_app.conf.broker_transport_options = transport_options
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    outbox.broker.forget()


def purge_queues() -> None:
    """Drop messages left by earlier tests on this run's broker."""
    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in QUEUES:
            channel.queue_declare(queue=queue)
            channel.queue_purge(queue)


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path
    name: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its children (the embedded beat), like a crashed machine."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal_group(self, sig: int) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)


@dataclass
class WorkerLauncher:
    """Starts workers sharing one environment; all of them are stopped at teardown."""

    env: dict[str, str]
    log_dir: Path
    workers: list[WorkerProcess] = field(default_factory=list)

    def start(
        self,
        *,
        concurrency: int = 4,
        queues: tuple[str, ...] = QUEUES,
        beat: bool = True,
        **env: str,
    ) -> WorkerProcess:
        name = f"worker{len(self.workers) + 1}"
        log_path = self.log_dir / f"{name}.log"
        command = [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "tracking",
            "worker",
            "--hostname",
            f"{name}@%h",
            "--pool",
            "threads",
            "--concurrency",
            str(concurrency),
            "--queues",
            ",".join(queues),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ]
        if beat:
            command += ["--beat", "--schedule", str(self.log_dir / f"{name}-beat-schedule")]
        # The broker this process publishes to now (a test may have switched to its own).
        broker = {"CELERY_BROKER_URL": celery_app.conf.broker_write_url}
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**self.env, **broker, **env},
                start_new_session=True,  # its own process group, so kill() reaches beat too
                cwd=Path(__file__).resolve().parent.parent,
            )
        worker = WorkerProcess(process=process, log_path=log_path, name=name)
        self.workers.append(worker)
        wait_until(
            lambda: " ready." in worker.log() or process.poll() is not None,
            timeout=START_TIMEOUT,
            message=f"{name} to start",
        )
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start:\n{worker.log()[-3000:]}")
        return worker

    def kill_all(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.kill()

    def logs(self) -> str:
        return "\n".join(
            f"----- {worker.name} ({worker.log_path}) -----\n{worker.log()[-6000:]}"
            for worker in self.workers
        )


@pytest.fixture
def worker_launcher(partner_sandbox, tmp_path, request) -> Iterator[WorkerLauncher]:
    """Start real workers against the test database, this run's broker and the sandbox."""
    purge_queues()
    env = child_env(**partner_sandbox.env, **TEST_WORKER_ENV)
    launcher = WorkerLauncher(env=env, log_dir=tmp_path)
    yield launcher
    launcher.kill_all()  # the test is over: no need to wait for a warm shutdown
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(launcher.logs())


@pytest.fixture
def celery_worker_process(worker_launcher) -> WorkerProcess:
    """One real worker (threads pool, beat sweep embedded) consuming every queue."""
    return worker_launcher.start()


@dataclass
class PrivateRedis:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, message=f"redis-server on {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)

    def _answers(self) -> bool:
        try:
            with Connection(self.url, transport_options={"socket_connect_timeout": 0.5}) as conn:
                conn.ensure_connection(max_retries=1)
            return True
        except Exception:  # noqa: BLE001 - not up yet
            return False


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A redis-server of this test's own, which the test may stop and start again."""
    redis = PrivateRedis(port=free_port())
    redis.start()
    with celery_broker(redis.url):
        yield redis
    redis.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can show worker logs on failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
