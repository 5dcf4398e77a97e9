"""Who may report, decide on and read violation reports: the one place that decides."""

from __future__ import annotations

from accounts.models import User
from accounts.roles import Role
from conversations.access import may_run


def may_report(user: User, team_id: int) -> bool:
    """An employee of the conversation's team reports."""
    return may_run(user) and user.team_id == team_id


def is_team_lead_of(user: User, team_id: int) -> bool:
    """A team lead of ``team_id`` decides, withdraws and prints letters."""
    return (
        user.is_authenticated
        and user.team_id == team_id
        and user.has_role(Role.TEAM_LEAD)
    )


def may_read_all(user: User) -> bool:
    """Auditors read every report, read-only."""
    return user.is_authenticated and user.has_role(Role.AUDITOR)


def may_read(user: User) -> bool:
    """Team leads (their own team's reports) and auditors read reports."""
    if not user.is_authenticated:
        return False
    return may_read_all(user) or (
        user.team_id is not None and user.has_role(Role.TEAM_LEAD)
    )


def may_receive_notifications(user: User) -> bool:
    """Members of a team get messages (berichten) about their team's reports."""
    return user.is_authenticated and user.team_id is not None
