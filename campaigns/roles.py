"""The three roles, as Django groups with model permissions.

- Marketer: apps, campaigns, partner configuration and callbacks (add/change/view/delete);
  reads the callback templates and the delivery log; never sees tokens.
- Admin: every permission, tokens included.
- Developer: reads the configuration and the delivery log, manages ingestion tokens.

Permissions are granted by rule (per app label), not by a frozen list, so models added later are
covered: a data migration creates the groups and a post_migrate handler re-applies the same rules
after every migrate (and test-database flush).
"""

MARKETER = "Marketer"
ADMIN = "Admin"
DEVELOPER = "Developer"
ROLES = (MARKETER, ADMIN, DEVELOPER)

CONFIG_APPS = ("campaigns", "partners")
ALL_ACTIONS = ("add", "change", "delete", "view")
# Secrets that only Admins manage (clear values are shown once, at creation).
ADMIN_ONLY_MODELS = {("partners", "adjustauthtoken"), ("tracking", "ingestiontoken")}
# The library is curated by Admins; marketers pick from it.
READ_ONLY_FOR_MARKETERS = {("partners", "callbacktemplate")}
DELIVERY_LOG_MODELS = {
    ("tracking", "event"),
    ("tracking", "delivery"),
    ("tracking", "deliveryattempt"),
}


def _granted(role: str, app_label: str, model: str, action: str) -> bool:
    key = (app_label, model)
    if role == ADMIN:
        return True
    if key in DELIVERY_LOG_MODELS:
        return action == "view"
    if role == DEVELOPER:
        if key == ("tracking", "ingestiontoken"):
            return action in ("add", "change", "view")
        return app_label in CONFIG_APPS and key not in ADMIN_ONLY_MODELS and action == "view"
    if app_label not in CONFIG_APPS or key in ADMIN_ONLY_MODELS:
        return False
    return action == "view" if key in READ_ONLY_FOR_MARKETERS else action in ALL_ACTIONS


def roles_sync(*, group_model, permission_model) -> None:
    """Create the groups and give each exactly the permissions its rules grant.

    Takes the models as arguments so the data migration can pass its historical models.
    """
    permissions = list(permission_model.objects.select_related("content_type"))
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        granted = [
            perm
            for perm in permissions
            if _granted(
                role,
                perm.content_type.app_label,
                perm.content_type.model,
                perm.codename.split("_", 1)[0],
            )
        ]
        group.permissions.set(granted)


def user_has_role(user, role: str) -> bool:
    """For the dashboard: superusers hold every role."""
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role).exists()
