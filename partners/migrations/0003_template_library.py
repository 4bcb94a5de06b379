"""The shipped template library: click and completed-view templates, iOS and Android, for Adjust,
AppsFlyer, Kochava, Tune, Branch and Singular (partners.md section 1, "Template library").

URL shapes follow partners.md section 1; every `{macro}` is either a standard event macro
(partners/macros.py) or one of the template's prompted fields. The data is frozen here on
purpose: a later change to the library is a new migration.
"""

from django.db import migrations

TRACKER_TOKEN = {"name": "tracker_token", "label": "Adjust tracker token"}
AF_APP_ID_IOS = {"name": "app_id", "label": "AppsFlyer app id ('id' + App Store number)"}
AF_APP_ID_ANDROID = {"name": "app_id", "label": "AppsFlyer app id (the package name)"}
KOCHAVA = [
    {"name": "kochava_campaign_id", "label": "Kochava campaign id"},
    {"name": "network_id", "label": "Kochava network id"},
]
TUNE = [
    {"name": "publisher_id", "label": "Tune publisher id"},
    {"name": "site_id", "label": "Tune site id"},
]
BRANCH = [
    {"name": "app", "label": "Branch link domain (the part before .app.link)"},
    {"name": "link", "label": "Branch link alias"},
    {"name": "partner", "label": "Branch partner key (after a_)"},
]
SINGULAR = [
    {"name": "sub", "label": "Singular link subdomain (the part before .sng.link)"},
    {"name": "dest", "label": "Singular destination id"},
    {"name": "link", "label": "Singular link id"},
]

# (third party, name prefix, platform, kind, URL template, prompted fields)
LIBRARY = [
    (
        "adjust", "Adjust", "ios", "click",
        "https://app.adjust.com/{tracker_token}?s2s=1&idfa={idfa}&campaign={campaign_id}"
        "&ip_address={ip}&user_agent={ua}&click_id={click_id}",
        [TRACKER_TOKEN],
    ),
    (
        "adjust", "Adjust", "android", "click",
        "https://app.adjust.com/{tracker_token}?s2s=1&gps_adid={gaid}&campaign={campaign_id}"
        "&ip_address={ip}&user_agent={ua}&click_id={click_id}",
        [TRACKER_TOKEN],
    ),
    (
        "adjust", "Adjust", "ios", "view",
        "https://view.adjust.com/impression/{tracker_token}?s2s=1&idfa={idfa}"
        "&campaign={campaign_id}&ip_address={ip}&user_agent={ua}",
        [TRACKER_TOKEN],
    ),
    (
        "adjust", "Adjust", "android", "view",
        "https://view.adjust.com/impression/{tracker_token}?s2s=1&gps_adid={gaid}"
        "&campaign={campaign_id}&ip_address={ip}&user_agent={ua}",
        [TRACKER_TOKEN],
    ),
    (
        "appsflyer", "AppsFlyer", "ios", "click",
        "https://app.appsflyer.com/{app_id}?pid=chartboosts2s_int&c={campaign_id}"
        "&clickid={click_id}&idfa={idfa}&af_ip={ip}&af_ua={ua}&redirect=false",
        [AF_APP_ID_IOS],
    ),
    (
        "appsflyer", "AppsFlyer", "android", "click",
        "https://app.appsflyer.com/{app_id}?pid=chartboosts2s_int&c={campaign_id}"
        "&clickid={click_id}&advertising_id={gaid}&af_ip={ip}&af_ua={ua}&redirect=false",
        [AF_APP_ID_ANDROID],
    ),
    (
        "appsflyer", "AppsFlyer", "ios", "view",
        "https://impression.appsflyer.com/{app_id}?pid=chartboosts2s_int&c={campaign_id}"
        "&idfa={idfa}&af_ip={ip}&af_ua={ua}&af_viewthrough_lookback=1d",
        [AF_APP_ID_IOS],
    ),
    (
        "appsflyer", "AppsFlyer", "android", "view",
        "https://impression.appsflyer.com/{app_id}?pid=chartboosts2s_int&c={campaign_id}"
        "&advertising_id={gaid}&af_ip={ip}&af_ua={ua}&af_viewthrough_lookback=1d",
        [AF_APP_ID_ANDROID],
    ),
    (
        "kochava", "Kochava", "ios", "click",
        "https://control.kochava.com/v1/cpi/click?campaign_id={kochava_campaign_id}"
        "&network_id={network_id}&site_id={campaign_id}&device_id={idfa}&device_id_type=idfa"
        "&click_id={click_id}",
        KOCHAVA,
    ),
    (
        "kochava", "Kochava", "android", "click",
        "https://control.kochava.com/v1/cpi/click?campaign_id={kochava_campaign_id}"
        "&network_id={network_id}&site_id={campaign_id}&device_id={gaid}&device_id_type=adid"
        "&click_id={click_id}",
        KOCHAVA,
    ),
    (
        "kochava", "Kochava", "ios", "view",
        "https://imp.control.kochava.com/track/impression?event=view"
        "&campaign_id={kochava_campaign_id}&network_id={network_id}&site_id={campaign_id}"
        "&ios_idfa={idfa}",
        KOCHAVA,
    ),
    (
        "kochava", "Kochava", "android", "view",
        "https://imp.control.kochava.com/track/impression?event=view"
        "&campaign_id={kochava_campaign_id}&network_id={network_id}&site_id={campaign_id}"
        "&adid={gaid}",
        KOCHAVA,
    ),
    (
        "tune", "Tune", "ios", "click",
        "https://{publisher_id}.api-01.com/serve?action=click&publisher_id={publisher_id}"
        "&site_id={site_id}&ios_ifa={idfa}&device_ip={ip}&user_agent={ua}",
        TUNE,
    ),
    (
        "tune", "Tune", "android", "click",
        "https://{publisher_id}.api-01.com/serve?action=click&publisher_id={publisher_id}"
        "&site_id={site_id}&google_aid={gaid}&device_ip={ip}&user_agent={ua}",
        TUNE,
    ),
    (
        "tune", "Tune", "ios", "view",
        "https://{publisher_id}.api-01.com/serve?action=impression&publisher_id={publisher_id}"
        "&site_id={site_id}&ios_ifa={idfa}&device_ip={ip}&user_agent={ua}",
        TUNE,
    ),
    (
        "tune", "Tune", "android", "view",
        "https://{publisher_id}.api-01.com/serve?action=impression&publisher_id={publisher_id}"
        "&site_id={site_id}&google_aid={gaid}&device_ip={ip}&user_agent={ua}",
        TUNE,
    ),
    (
        "branch", "Branch", "ios", "click",
        "https://{app}.app.link/{link}?%243p=a_{partner}&%24s2s=true&%24idfa={idfa}"
        "&device_ip={ip}&user_agent={ua}&~click_id={click_id}",
        BRANCH,
    ),
    (
        "branch", "Branch", "android", "click",
        "https://{app}.app.link/{link}?%243p=a_{partner}&%24s2s=true&%24aaid={gaid}"
        "&device_ip={ip}&user_agent={ua}&~click_id={click_id}",
        BRANCH,
    ),
    (
        "branch", "Branch", "ios", "view",
        "https://{app}.app.link/{link}?%243p=a_{partner}&%24s2s=true&%24impression=true"
        "&%24idfa={idfa}&device_ip={ip}&user_agent={ua}",
        BRANCH,
    ),
    (
        "branch", "Branch", "android", "view",
        "https://{app}.app.link/{link}?%243p=a_{partner}&%24s2s=true&%24impression=true"
        "&%24aaid={gaid}&device_ip={ip}&user_agent={ua}",
        BRANCH,
    ),
    (
        "singular", "Singular", "ios", "click",
        "https://{sub}.sng.link/{dest}/{link}?cl={click_id}&idfa={idfa}&ip={ip}&ua={ua}",
        SINGULAR,
    ),
    (
        "singular", "Singular", "android", "click",
        "https://{sub}.sng.link/{dest}/{link}?cl={click_id}&aifa={gaid}&ip={ip}&ua={ua}",
        SINGULAR,
    ),
    (
        "singular", "Singular", "ios", "view",
        "https://{sub}.sng.link/{dest}/{link}?_imp=1&cl={click_id}&idfa={idfa}&ip={ip}&ua={ua}",
        SINGULAR,
    ),
    (
        "singular", "Singular", "android", "view",
        "https://{sub}.sng.link/{dest}/{link}?_imp=1&cl={click_id}&aifa={gaid}&ip={ip}&ua={ua}",
        SINGULAR,
    ),
]

PLATFORM_NAMES = {"ios": "iOS", "android": "Android"}
KIND_NAMES = {"click": "Click", "view": "Completed View"}


def template_name(prefix: str, platform: str, kind: str) -> str:
    return f"{prefix} {PLATFORM_NAMES[platform]} {KIND_NAMES[kind]}"


def add_library(apps, schema_editor):
    CallbackTemplate = apps.get_model("partners", "CallbackTemplate")
    for third_party, prefix, platform, kind, url_template, prompted in LIBRARY:
        CallbackTemplate.objects.update_or_create(
            name=template_name(prefix, platform, kind),
            defaults={
                "third_party": third_party,
                "kind": kind,
                "platform": platform,
                "url_template": url_template,
                "prompted_fields": prompted,
                "shipped": True,
            },
        )


def remove_library(apps, schema_editor):
    CallbackTemplate = apps.get_model("partners", "CallbackTemplate")
    CallbackTemplate.objects.filter(shipped=True, callbacks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_callbacktemplate_shipped")]

    operations = [migrations.RunPython(add_library, remove_library)]
