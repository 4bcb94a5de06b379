"""One request the sandbox received and the answer it gives."""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs


@dataclass(frozen=True)
class SandboxRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def query_params(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.query, keep_blank_values=True).items()}

    def form_params(self) -> dict[str, str]:
        content_type = (self.header("Content-Type") or "").split(";")[0].strip()
        if content_type != "application/x-www-form-urlencoded":
            return {}
        text = self.body.decode("utf-8", errors="replace")
        return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}


@dataclass(frozen=True)
class SandboxResponse:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/plain; charset=utf-8"


def json_response(status: int, payload) -> SandboxResponse:
    return SandboxResponse(status, json.dumps(payload), content_type="application/json")
