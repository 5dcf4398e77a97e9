"""Authentication: Django's model backend, with one query for the logged-in user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from accounts.models import User


class StaffBackend(ModelBackend):
    """Load the user of each request with their team and role names in one query.

    Every page checks the roles (``User.roles``) and most show or audit the team;
    Django's backend would load those with two more queries per request.
    """

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.select_related("team")
            .annotate(
                group_names=ArraySubquery(
                    Group.objects.filter(user=OuterRef("pk")).values("name")
                )
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
