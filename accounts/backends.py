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


class StaffBackend(ModelBackend):
    """Load the user of each request with their team and role names in one query.

    Every page checks the roles (``User.roles``) and most show or audit the team;
    Django's backend would load those with two more queries per request.
    """

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.select_related("team")
            .annotate(group_names=_GROUP_NAMES)
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
