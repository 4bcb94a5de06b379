"""Callback URL macros: `{name}` placeholders filled from the event and the callback's values.

The macro names are our own convention (networks share no standard); each template maps them to
its partner's parameter names. A template may also prompt for values (tracker token, bundle id,
campaign id...), which become macros of the same name.
"""

import re
from urllib.parse import quote

MACRO = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

EVENT_MACROS = {
    "idfa": "iOS advertising id",
    "idfv": "iOS vendor id",
    "gaid": "Google advertising id",
    "android_id": "Android id",
    "oaid": "Huawei open advertising id",
    "ip": "device IP address",
    "ua": "device user agent",
    "click_id": "the network's click id",
    "transaction_id": "unique click transaction id",
    "timestamp": "event time, unix seconds",
    "bundle_id": "the app's bundle id",
    "store_id": "the app's store id",
    "campaign_id": "the campaign id",
    "os_version": "OS version",
    "device_model": "device model",
}


def macros_in(url_template: str) -> list[str]:
    return MACRO.findall(url_template)


def unknown_macros(url_template: str, prompted: list[str]) -> list[str]:
    known = set(EVENT_MACROS) | set(prompted)
    return sorted({name for name in macros_in(url_template) if name not in known})


def render(url_template: str, values: dict[str, str]) -> str:
    """Fill every macro with its URL-encoded value; a macro without a value becomes empty."""
    return MACRO.sub(lambda m: quote(str(values.get(m.group(1)) or ""), safe=""), url_template)
