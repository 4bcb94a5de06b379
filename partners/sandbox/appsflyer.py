"""AppsFlyer's in-app event API (partners.md section 5) and S2S click link (section 4).
The authentication header is checked against the S2S key stored for the app id."""

import json

from partners.models import AppsFlyerConfig
from partners.sandbox.exchange import SandboxRequest, SandboxResponse


def _authentication_problem(app_id: str, key: str) -> SandboxResponse | None:
    if not key:
        return SandboxResponse(401, "Unauthorized")
    configs = list(AppsFlyerConfig.objects.all())
    owners = {c.appsflyer_app_id for c in configs if c.s2s_key and c.s2s_key == key}
    if not owners:
        return SandboxResponse(400, "Failed to Authenticate")
    if app_id not in owners:
        return SandboxResponse(400, "app_id doesn't match the authentication token")
    return None


def handle_event(request: SandboxRequest, app_id: str) -> SandboxResponse:
    if request.method != "POST":
        return SandboxResponse(405, "Method Not Allowed")
    refused = _authentication_problem(app_id, request.header("authentication") or "")
    if refused:
        return refused
    try:
        payload = json.loads(request.body)
    except ValueError:
        return SandboxResponse(400, "Payload is missing or failed to parse")
    if not isinstance(payload, dict):
        return SandboxResponse(400, "Payload is missing or failed to parse")
    if not payload.get("appsflyer_id"):
        return SandboxResponse(400, "appsflyer_id is a mandatory field")
    if not payload.get("eventName"):
        return SandboxResponse(400, "eventName is a mandatory field")
    if not isinstance(payload.get("eventValue", ""), str):
        # What AppsFlyer does with a non-stringified eventValue.
        return SandboxResponse(500, "Internal Server Error")
    return SandboxResponse(200, "ok")


def handle_click(request: SandboxRequest, app_id: str) -> SandboxResponse:
    params = request.query_params()
    if params.get("redirect") != "false":
        # An ordinary attribution link: AppsFlyer sends the user on to the store.
        return SandboxResponse(302, headers={"Location": f"https://apps.example/{app_id}"})
    if not params.get("pid"):
        return SandboxResponse(400, "pid (media source) is missing")
    return SandboxResponse(200, "ok")
