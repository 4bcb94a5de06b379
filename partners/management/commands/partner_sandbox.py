"""Run the partner sandbox: `manage.py partner_sandbox --port 8900 [--host 127.0.0.1]`."""

import signal
import threading

from django.core.management.base import BaseCommand

from partners.sandbox.server import SandboxServer

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


class Command(BaseCommand):
    help = "Serve a sandbox that answers like Adjust, Kochava, AppsFlyer and callback receivers."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8900, help="0 picks a free port.")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options) -> None:
        # Stop signals are blocked (the serving threads inherit the mask) and taken with sigwait,
        # so no signal handler ever runs: a burst of TERMs (Ctrl-C of `make run`) cannot
        # interrupt the shutdown half-way.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        server = SandboxServer((host, port))
        serving = threading.Thread(target=server.serve_forever, name="sandbox", daemon=True)
        serving.start()
        bound_host, bound_port = server.server_address[:2]
        # Tests read this line to learn the port when started with --port 0.
        self.stdout.write(f"Partner sandbox listening on http://{bound_host}:{bound_port}")
        self.stdout.flush()
        signal.sigwait(STOP_SIGNALS)
        server.shutdown()
        server.server_close()
        self.stdout.write("Partner sandbox stopped.")
