"""Who may see and who may run conversations: the one place that decides.

Roles, as in the rest of uwvrec (``User.has_role``): the user's groups are loaded
once per request and the audit trail's actor snapshot reuses them, where
permission checks would cost two more queries on every checklist page.
"""

from __future__ import annotations

from accounts.models import User
from accounts.roles import Role


def may_view(user: User) -> bool:
    """Employees and team leads see their own team's conversations."""
    if not user.is_authenticated or user.team_id is None:
        return False
    return user.has_role(Role.EMPLOYEE) or user.has_role(Role.TEAM_LEAD)


def may_run(user: User) -> bool:
    """Employees plan conversations and run the checklist; team leads only read."""
    return may_view(user) and user.has_role(Role.EMPLOYEE)
