"""Who may enter the admin site: the one place that decides.

The admin site asks it on every request, and the navigation asks it before it
shows "Beheer", so the menu never offers a door the site then keeps shut.
"""

from __future__ import annotations

from accounts.models import User
from accounts.roles import Role


def may_enter_admin(user: User) -> bool:
    """Active staff in the admin role, and active staff superusers."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.has_role(Role.ADMIN)
