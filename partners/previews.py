"""Example values that fill a callback's macros for the live preview and the Send test."""

from campaigns.models import Platform
from partners.macros import render
from partners.models import CallbackTemplate

_COMMON = {
    "ip": "203.0.113.7",
    "click_id": "example-click-0001",
    "transaction_id": "example-transaction-0001",
    "timestamp": "1700000000",
    "bundle_id": "com.example.app",
    "store_id": "123456789",
    "campaign_id": "example-campaign",
    "os_version": "17.1",
}
EXAMPLE_VALUES = {
    Platform.IOS: _COMMON
    | {
        "idfa": "11110111-2345-6789-1122-000000005678",
        "idfv": "22220222-2345-6789-1122-000000005678",
        "ua": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)",
        "device_model": "iPhone15,2",
    },
    Platform.ANDROID: _COMMON
    | {
        "store_id": "com.example.app",
        "gaid": "38400000-8cf0-11bd-b23e-10b96e40000d",
        "android_id": "9774d56d682e549c",
        "ua": "Mozilla/5.0 (Linux; Android 14; Pixel 8)",
        "device_model": "Pixel 8",
        "os_version": "14",
    },
}


def callback_example_url(*, template: CallbackTemplate, values: dict[str, str]) -> str:
    """The URL the callback would request, with example device data and the typed values."""
    filled = {k: v for k, v in values.items() if str(v).strip()}
    return render(template.url_template, EXAMPLE_VALUES[template.platform] | filled)
