"""Who may do what in the dashboard: Django permissions, granted through the role groups
(campaigns/roles.py); the few checks no model permission expresses ask for the Admin role."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied

from campaigns.roles import ADMIN, user_has_role


class DashboardPermissionMixin(PermissionRequiredMixin):
    """Anonymous visitors go to the sign-in page; signed-in users without the permission get 403."""

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(self.get_permission_denied_message())
        return super().handle_no_permission()


def user_is_admin(user) -> bool:
    """Admins approve S2S and see every ingestion token (Developers only their own)."""
    return user_has_role(user, ADMIN)
