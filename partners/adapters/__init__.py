"""The partner registry: destination name (tracking.models.Destination) to its adapter.

Adding a partner is one module in this package, one line here and its tests.
"""

from partners.adapters.adjust import AdjustAdapter
from partners.adapters.appsflyer import AppsFlyerClickAdapter, AppsFlyerEventAdapter
from partners.adapters.base import Adapter
from partners.adapters.callbacks import CallbackAdapter
from partners.adapters.kochava import KochavaAdapter

ADAPTERS: dict[str, Adapter] = {
    adapter.destination: adapter
    for adapter in (
        AdjustAdapter(),
        KochavaAdapter(),
        AppsFlyerEventAdapter(),
        AppsFlyerClickAdapter(),
        CallbackAdapter(),
    )
}
