"""Authentication: Django's model backend, with one query for the logged-in user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField
from django.db.models.expressions import RawSQL

from accounts.models import User

# The names of the user's groups, in SQL: the ORM's ArraySubquery took longer to
# compile than the query took to run.
_GROUP_NAMES = RawSQL(
    "SELECT array_agg(g.name) FROM auth_group g "
    "JOIN accounts_user_groups ug ON ug.group_id = g.id "
    "WHERE ug.user_id = accounts_user.id",
    (),
    output_field=ArrayField(CharField()),
)
# The user's permissions, own and through groups, as "app_label.codename".
_PERMISSION_NAMES = RawSQL(
    "SELECT array_agg(DISTINCT ct.app_label || '.' || p.codename) "
    "FROM auth_permission p "
    "JOIN django_content_type ct ON ct.id = p.content_type_id "
    "WHERE p.id IN ("
    "SELECT up.permission_id FROM accounts_user_user_permissions up "
    "WHERE up.user_id = accounts_user.id "
    "UNION SELECT gp.permission_id FROM auth_group_permissions gp "
    "JOIN accounts_user_groups ug ON ug.group_id = gp.group_id "
    "WHERE ug.user_id = accounts_user.id)",
    (),
    output_field=ArrayField(CharField()),
)


class StaffBackend(ModelBackend):
    """Load the user of each request with team, roles and permissions in one query.

    Every page checks the roles (``User.roles``) and most show or audit the team;
    the navigation on every page asks the same permission checks as the pages
    (``audit.view_all_auditevents`` among them). Django's backend would load those
    with four more queries per request.
    """

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.select_related("team")
            .annotate(group_names=_GROUP_NAMES, permission_names=_PERMISSION_NAMES)
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """Return the permissions loaded with the user, else Django's answer."""
        loaded = "permission_names" in getattr(user_obj, "__dict__", {})
        if not loaded or obj is not None or user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        names: list[str] | None = user_obj.permission_names
        return set(names or ())
