"""Create the Marketer, Admin and Developer groups (campaigns/roles.py holds the rules)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from campaigns.roles import roles_sync


def create_roles(apps, schema_editor):
    # On a fresh database permissions only appear after migrate (post_migrate): make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=("Marketer", "Admin", "Developer")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_initial"),
        ("partners", "0003_template_library"),
        ("tracking", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
