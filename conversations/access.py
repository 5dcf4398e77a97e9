"""Who may see and who may run conversations: the one place that decides.

Roles, as in the rest of uwvrec (``User.has_role``): the user's groups are loaded
once per request and the audit trail's actor snapshot reuses them, where
permission checks would cost two more queries on every checklist page.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.access import holds, may_act
from accounts.models import User
from accounts.roles import Role
from conversations.models import Conversation


def may_view_conversations(user: User) -> bool:
    """Employees and team leads of a team see their own team's conversations."""
    if not may_act(user) or user.team_id is None:
        return False
    return holds(user, Role.EMPLOYEE) or holds(user, Role.TEAM_LEAD)


def may_run_checklist(user: User, conversation: Conversation | None = None) -> bool:
    """Employees plan conversations and run the checklist; team leads only read.

    With ``conversation``: one of the employee's own team.
    """
    if not (may_view_conversations(user) and holds(user, Role.EMPLOYEE)):
        return False
    return conversation is None or _of_own_team(user, conversation)


def _of_own_team(user: User, conversation: Conversation) -> bool:
    return conversation.team_id == user.team_id


def conversations_visible_to(user: User) -> QuerySet[Conversation]:
    """Return the conversations ``user`` may see: their own team's, or none."""
    team_id = user.team_id if may_view_conversations(user) else None
    if team_id is None:
        return Conversation.objects.none()
    return Conversation.objects.filter(team_id=team_id)
