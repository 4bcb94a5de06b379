import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.models import App, Campaign, Platform
from partners.models import (
    AdjustAuthToken,
    AdjustConfig,
    AdjustEventToken,
    AppsFlyerConfig,
    Callback,
    CallbackKind,
    CallbackTemplate,
    KochavaConfig,
    ThirdParty,
)
from tracking.models import Event, EventKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


class IosAppFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = App

    name = factory.Sequence(lambda n: f"Space Game {n}")
    platform = Platform.IOS
    bundle_id = factory.Sequence(lambda n: f"com.example.spacegame{n}")
    store_id = factory.Sequence(lambda n: str(123456789 + n))


class AndroidAppFactory(IosAppFactory):
    platform = Platform.ANDROID
    bundle_id = factory.Sequence(lambda n: f"com.example.spacegame{n}")
    store_id = factory.LazyAttribute(lambda a: a.bundle_id)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    app = factory.SubFactory(IosAppFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")


class AdjustConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdjustConfig

    app = factory.SubFactory(IosAppFactory)
    app_token = "abc123kuvada7"


class AdjustEventTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdjustEventToken

    config = factory.SubFactory(AdjustConfigFactory)
    event_name = "purchase"
    event_token = "xyzklm"


class AdjustAuthTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdjustAuthToken

    config = factory.SubFactory(AdjustConfigFactory)
    name = factory.Sequence(lambda n: f"server token {n}")
    secret = "v8s5opi0zs45607l8h8c48wak2vxb5oe"


class KochavaConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KochavaConfig

    app = factory.SubFactory(IosAppFactory)
    kochava_app_id = "kogamerdna114e9bb3481258"


class AppsFlyerConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppsFlyerConfig

    app = factory.SubFactory(IosAppFactory)
    appsflyer_app_id = factory.LazyAttribute(
        lambda c: f"id{c.app.store_id}" if c.app.platform == Platform.IOS else c.app.bundle_id
    )
    s2s_key = "af-s2s-key-0123456789"
    click_pid = "chartboosts2s_int"
    click_ref_prefix = "NetworkA"


class CallbackTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallbackTemplate

    name = factory.Sequence(lambda n: f"Adjust iOS Click {n}")
    third_party = ThirdParty.ADJUST
    kind = CallbackKind.CLICK
    platform = Platform.IOS
    url_template = "https://app.adjust.com/{tracker_token}?idfa={idfa}&campaign={campaign_id}"
    prompted_fields = factory.LazyFunction(
        lambda: [{"name": "tracker_token", "label": "Tracker token"}]
    )


class CallbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Callback

    name = factory.Sequence(lambda n: f"Callback {n}")
    template = factory.SubFactory(CallbackTemplateFactory)
    values = factory.LazyFunction(lambda: {"tracker_token": "abc123"})
    enabled = True


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.EVENT
    app = factory.SubFactory(IosAppFactory)
    name = "purchase"
    occurred_at = factory.LazyFunction(timezone.now)
    device_ids = factory.LazyFunction(
        lambda: {
            "idfa": "11110111-2345-6789-1122-000000005678",
            "appsflyer_id": "1415211453000-6513894",
        }
    )
    ip = "203.0.113.7"
    user_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)"
    os_version = "17.1"
    device_model = "iPhone15,2"
