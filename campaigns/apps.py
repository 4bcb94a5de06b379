from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _roles_sync_after_migrate(sender, **kwargs):
    # Permissions of every app exist only once the last app's post_migrate ran.
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender is not last:
        return
    from django.contrib.auth.models import Group, Permission

    from campaigns.roles import roles_sync

    roles_sync(group_model=Group, permission_model=Permission)


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Apps and campaigns"

    def ready(self) -> None:
        post_migrate.connect(_roles_sync_after_migrate, dispatch_uid="campaigns.roles_sync")
