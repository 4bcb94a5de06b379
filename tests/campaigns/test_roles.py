import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal

from campaigns.roles import ADMIN, DEVELOPER, MARKETER, user_has_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def user_in(role: str):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.parametrize(
    "permission",
    [
        "campaigns.add_app",
        "campaigns.change_campaign",
        "partners.change_adjustconfig",
        "partners.delete_adjusteventtoken",
        "partners.change_appsflyerconfig",
        "partners.add_callback",
        "partners.change_callback",
        "partners.view_callbacktemplate",
        "tracking.view_delivery",
    ],
)
def test_a_marketer_manages_apps_partner_config_and_callbacks(permission):
    assert user_in(MARKETER).has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    [
        "tracking.view_ingestiontoken",
        "tracking.add_ingestiontoken",
        "partners.view_adjustauthtoken",
        "partners.add_adjustauthtoken",
        "partners.change_callbacktemplate",
        "tracking.change_delivery",
        "auth.change_user",
    ],
)
def test_a_marketer_cannot_touch_tokens_the_template_library_or_users(permission):
    assert not user_in(MARKETER).has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    [
        "partners.view_adjustconfig",
        "campaigns.view_app",
        "partners.view_callback",
        "tracking.add_ingestiontoken",
        "tracking.change_ingestiontoken",
        "tracking.view_ingestiontoken",
        "tracking.view_deliveryattempt",
    ],
)
def test_a_developer_reads_config_and_manages_ingestion_tokens(permission):
    assert user_in(DEVELOPER).has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    [
        "partners.change_adjustconfig",
        "campaigns.change_app",
        "partners.add_callback",
        "partners.view_adjustauthtoken",
        "tracking.delete_ingestiontoken",
    ],
)
def test_a_developer_cannot_change_config_nor_see_partner_tokens(permission):
    assert not user_in(DEVELOPER).has_perm(permission)


def test_the_admin_role_holds_every_permission_tokens_included():
    admin = user_in(ADMIN)

    assert all(
        admin.has_perm(f"{perm.content_type.app_label}.{perm.codename}")
        for perm in Permission.objects.select_related("content_type")
    )
    assert admin.has_perm("partners.add_adjustauthtoken")
    assert admin.has_perm("tracking.delete_ingestiontoken")


def test_user_has_role_follows_group_membership():
    marketer = user_in(MARKETER)

    assert user_has_role(marketer, MARKETER)
    assert not user_has_role(marketer, ADMIN)


def test_a_superuser_holds_every_role_and_an_inactive_user_none(admin_user):
    inactive = user_in(MARKETER)
    inactive.is_active = False

    assert all(user_has_role(admin_user, role) for role in (MARKETER, ADMIN, DEVELOPER))
    assert not user_has_role(inactive, MARKETER)


def test_permissions_of_models_added_later_are_granted_after_migrate():
    # Given a model that appears after the roles migration ran (here: only its permission).
    later = ContentType.objects.create(app_label="partners", model="laterconfig")
    change = Permission.objects.create(
        content_type=later, codename="change_laterconfig", name="Can change later config"
    )

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert Group.objects.get(name=MARKETER).permissions.filter(pk=change.pk).exists()
    assert Group.objects.get(name=ADMIN).permissions.filter(pk=change.pk).exists()
    assert not Group.objects.get(name=DEVELOPER).permissions.filter(pk=change.pk).exists()
