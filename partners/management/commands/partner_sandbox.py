"""Run the partner sandbox: `manage.py partner_sandbox --port 8900 [--host 127.0.0.1]`."""

import signal
import threading

from django.core.management.base import BaseCommand

from partners.sandbox.server import SandboxServer


class Command(BaseCommand):
    help = "Serve a sandbox that answers like Adjust, Kochava, AppsFlyer and callback receivers."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8900, help="0 picks a free port.")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options) -> None:
        server = SandboxServer((host, port))
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        serving = threading.Thread(target=server.serve_forever, name="sandbox", daemon=True)
        serving.start()
        bound_host, bound_port = server.server_address[:2]
        # Tests read this line to learn the port when started with --port 0.
        self.stdout.write(f"Partner sandbox listening on http://{bound_host}:{bound_port}")
        self.stdout.flush()
        stop.wait()
        server.shutdown()
        server.server_close()
        self.stdout.write("Partner sandbox stopped.")
