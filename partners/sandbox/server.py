"""The sandbox's HTTP server: routes, the request log and fault orders.

Threaded, so a path told to hang never blocks the others. Control endpoints live under
/_sandbox/: GET/DELETE requests (the log, `?path=` filters by path prefix), POST/DELETE faults
({"path_prefix", "status" or "hang_seconds", "count", optional "retry_after"}), POST
adjust/unique_events ({"event_token"}: a second one per device is a duplicate) and POST reset.
"""

import json
import re
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from django.db import connection

from partners.sandbox import adjust, appsflyer, kochava
from partners.sandbox.exchange import SandboxRequest, SandboxResponse, json_response

MAX_READ_BYTES = 4 * 1024 * 1024
MAX_HANG_SECONDS = 120
# The demo runs for hours: keep the newest requests only.
MAX_RECORDED = 10_000
APP_ID = re.compile(r"^/(id\d+|[A-Za-z][\w]*(\.[\w]+)+)$")


class SandboxState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.faults: list[dict] = []
        self.adjust = adjust.AdjustMemory()

    def record(self, request: SandboxRequest) -> dict:
        entry = {
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "params": {k: v[-1] for k, v in parse_qs(request.query).items()},
            "headers": request.headers,
            "body": request.body.decode("utf-8", errors="replace"),
            "time": datetime.now(UTC).isoformat(),
            "status": None,
        }
        with self.lock:
            self.requests.append(entry)
            del self.requests[:-MAX_RECORDED]
        return entry

    def take_fault(self, path: str) -> dict | None:
        with self.lock:
            for fault in self.faults:
                if fault["count"] > 0 and path.startswith(fault["path_prefix"]):
                    fault["count"] -= 1
                    return dict(fault)
        return None

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.faults.clear()
        self.adjust.reset()


def _control(state: SandboxState, request: SandboxRequest) -> SandboxResponse:
    route = (request.method, request.path.rstrip("/"))
    if route == ("GET", "/_sandbox/requests"):
        prefix = request.query_params().get("path", "")
        with state.lock:
            found = [r for r in state.requests if r["path"].startswith(prefix)]
        return json_response(200, found)
    if route == ("DELETE", "/_sandbox/requests"):
        with state.lock:
            state.requests.clear()
        return SandboxResponse(204)
    if route == ("POST", "/_sandbox/faults"):
        return _add_fault(state, request)
    if route == ("DELETE", "/_sandbox/faults"):
        with state.lock:
            state.faults.clear()
        return SandboxResponse(204)
    if route == ("POST", "/_sandbox/adjust/unique_events"):
        token = _json(request).get("event_token")
        if not isinstance(token, str) or not token:
            return json_response(400, {"error": "give an event_token"})
        with state.adjust.lock:
            state.adjust.unique_tokens.add(token)
        return SandboxResponse(204)
    if route == ("POST", "/_sandbox/reset"):
        state.reset()
        return SandboxResponse(204)
    return json_response(404, {"error": f"no sandbox control {request.method} {request.path}"})


def _json(request: SandboxRequest) -> dict:
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _add_fault(state: SandboxState, request: SandboxRequest) -> SandboxResponse:
    order = _json(request)
    prefix, count = order.get("path_prefix"), order.get("count", 1)
    status, hang = order.get("status"), order.get("hang_seconds")
    if not isinstance(prefix, str) or not prefix.startswith("/"):
        return json_response(400, {"error": "path_prefix must start with /"})
    if not isinstance(count, int) or count < 1:
        return json_response(400, {"error": "count must be a positive integer"})
    if (status is None) == (hang is None):
        return json_response(400, {"error": "give either status or hang_seconds"})
    if status is not None and not (isinstance(status, int) and 400 <= status <= 599):
        return json_response(400, {"error": "status must be 400-599"})
    if hang is not None and not (isinstance(hang, int | float) and 0 < hang <= MAX_HANG_SECONDS):
        return json_response(400, {"error": f"hang_seconds must be 0-{MAX_HANG_SECONDS}"})
    fault = {"path_prefix": prefix, "count": count, "status": status, "hang_seconds": hang}
    fault["retry_after"] = order.get("retry_after")
    with state.lock:
        state.faults.append(fault)
    return json_response(201, fault)


def _faulted(fault: dict) -> SandboxResponse | None:
    if fault["hang_seconds"]:
        time.sleep(fault["hang_seconds"])
        return None
    headers = {}
    if fault.get("retry_after") is not None:
        headers["Retry-After"] = str(fault["retry_after"])
    return SandboxResponse(fault["status"], f"Sandbox fault {fault['status']}", headers=headers)


def _partner(state: SandboxState, request: SandboxRequest) -> SandboxResponse:
    path = request.path
    if path == "/event":
        return adjust.handle_event(request, state.adjust)
    if path == "/track/json":
        return kochava.handle_track(request)
    if path.startswith("/inappevent/"):
        return appsflyer.handle_event(request, path.removeprefix("/inappevent/"))
    if APP_ID.match(path):
        return appsflyer.handle_click(request, path[1:])
    # Anything else is an ad network's callback receiver: it takes every call.
    return SandboxResponse(200, "ok")


def dispatch(state: SandboxState, request: SandboxRequest) -> SandboxResponse:
    if request.path.startswith("/_sandbox/"):
        return _control(state, request)
    entry = state.record(request)
    fault = state.take_fault(request.path)
    response = _faulted(fault) if fault else None
    if response is None:
        try:
            response = _partner(state, request)
        finally:
            connection.close()  # each handler thread has its own connection
    entry["status"] = response.status
    return response


class Handler(BaseHTTPRequestHandler):
    server_version = "PartnerSandbox/1.0"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, keep-alive clients wait on
    # delayed ACKs and the sandbox answers ~20 requests a second instead of hundreds.
    disable_nagle_algorithm = True

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, MAX_READ_BYTES)) if length > 0 else b""
        request = SandboxRequest(
            method=self.command,
            path=parts.path,
            query=parts.query,
            headers=dict(self.headers.items()),
            body=body,
        )
        response = dispatch(self.server.state, request)
        payload = response.body.encode()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        if length > MAX_READ_BYTES:
            self.close_connection = True  # the unread rest of the body must not be parsed
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        # The request log at /_sandbox/requests is the record; keep stderr quiet.
        return


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True  # a hanging fault must not hold the process at shutdown
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, Handler)
        self.state = SandboxState()
