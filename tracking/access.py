"""Who may do what in the dashboard: Django permissions, granted through the role groups."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied

# The role groups (created with their permissions by the campaigns data migration).
ADMIN = "Admin"
MARKETER = "Marketer"
DEVELOPER = "Developer"


class DashboardPermissionMixin(PermissionRequiredMixin):
    """Anonymous visitors go to the sign-in page; signed-in users without the permission get 403."""

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(self.get_permission_denied_message())
        return super().handle_no_permission()


def user_is_admin(user) -> bool:
    return user.is_superuser or user.groups.filter(name=ADMIN).exists()
