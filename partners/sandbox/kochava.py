"""Kochava's /track/json: the body shape of partners.md section 2 (no documented answer body)."""

import json

from partners.sandbox.exchange import SandboxRequest, SandboxResponse, json_response

TOP_LEVEL = {"action", "kochava_app_id", "kochava_device_id", "data"}
DEVICE_ID_KEYS = {"idfa", "idfv", "adid", "android_id", "custom"}


def _problem(payload) -> str:
    if not isinstance(payload, dict):
        return "body must be a JSON object"
    extra = set(payload) - TOP_LEVEL
    if extra:
        return f"unexpected top-level keys: {', '.join(sorted(extra))} (they belong in data)"
    if payload.get("action") not in ("install", "event"):
        return "action must be install or event"
    if not isinstance(payload.get("kochava_app_id"), str) or not payload["kochava_app_id"]:
        return "kochava_app_id is required"
    data = payload.get("data")
    if not isinstance(data, dict):
        return "data must be an object"
    if not isinstance(data.get("usertime"), int):
        return "data.usertime must be epoch seconds"
    device_ids = data.get("device_ids")
    if not isinstance(device_ids, dict) or not DEVICE_ID_KEYS & set(device_ids):
        return "data.device_ids needs at least one of " + ", ".join(sorted(DEVICE_ID_KEYS))
    if payload["action"] == "event" and not data.get("event_name"):
        return "data.event_name is required for action event"
    if payload.get("kochava_device_id") is None and not device_ids:
        return "kochava_device_id may be null only with a device id"
    return ""


def handle_track(request: SandboxRequest) -> SandboxResponse:
    if request.method != "POST":
        return json_response(405, {"error": "POST a JSON body"})
    try:
        payload = json.loads(request.body)
    except ValueError:
        return json_response(400, {"error": "body is not JSON"})
    problem = _problem(payload)
    if problem:
        return json_response(400, {"error": problem})
    return json_response(200, {"success": "true"})
