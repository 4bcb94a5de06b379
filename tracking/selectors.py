"""Reads shared by the ingestion API and the token commands."""

from django.core.exceptions import ValidationError

from campaigns.models import App


def app_by_reference(*, reference, platform: str = "", queryset=None) -> App:
    """The app named by our numeric id or its bundle id (the same bundle id may exist once per
    platform: then `platform` or the id must say which)."""
    queryset = App.objects.all() if queryset is None else queryset
    reference = str(reference).strip()
    if reference.isdigit() and len(reference) < 19:
        app = queryset.filter(pk=int(reference)).first()
        if app is not None:
            return app
    apps = queryset.filter(bundle_id=reference)
    if platform:
        apps = apps.filter(platform=platform)
    found = list(apps[:2])
    if not found:
        raise ValidationError({"app": [f"No app has the id or bundle id '{reference[:255]}'."]})
    if len(found) > 1:
        raise ValidationError(
            {"app": [f"'{reference}' is the bundle id of an iOS and an Android app: add platform."]}
        )
    return found[0]
