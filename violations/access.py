"""Who may report, read and decide on violation reports: the one place that decides.

The state of a report is part of some answers (only an open report is decided on,
only a confirmed one withdrawn or written to the client about), so that a page
offers exactly what the services take. The services ask the same predicates;
what depends on the state they check again on the locked row, inside their
transaction, and refuse with their own codes.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.access import Visitor, holds, may_act
from accounts.models import User
from accounts.roles import Role
from conversations.access import may_run_checklist
from conversations.models import Conversation
from violations.models import Notification, ReportStatus, ViolationReport


def may_report(user: User, conversation: Conversation) -> bool:
    """An employee of the conversation's team reports a violation by its client."""
    return may_run_checklist(user, conversation)


def may_read_all_reports(user: Visitor) -> bool:
    """Auditors read every report, read-only."""
    return holds(user, Role.AUDITOR)


def may_decide_reports(user: Visitor) -> bool:
    """Team leads of a team decide on their team's reports."""
    return holds(user, Role.TEAM_LEAD) and user.team_id is not None


def may_read_reports(user: Visitor) -> bool:
    """Team leads (their own team's reports) and auditors read reports."""
    return may_read_all_reports(user) or may_decide_reports(user)


def may_handle_report(user: User, report: ViolationReport) -> bool:
    """A team lead of the report's team decides, withdraws and writes the letter."""
    return may_decide_reports(user) and user.team_id == report.team_id


def filed_it_themselves(user: User, report: ViolationReport) -> bool:
    """Four eyes: who filed a report does not decide on it; another team lead does."""
    return report.reported_by_id == user.pk


def may_decide(user: User, report: ViolationReport) -> bool:
    """A team lead of the team, other than its reporter, decides on an open report."""
    return (
        may_handle_report(user, report)
        and not filed_it_themselves(user, report)
        and report.status == ReportStatus.REPORTED
    )


def may_withdraw(user: User, report: ViolationReport) -> bool:
    """A team lead of the team withdraws a confirmed violation."""
    return may_handle_report(user, report) and report.flags


def may_print_letter(user: User, report: ViolationReport) -> bool:
    """A team lead of the team writes to the client about a confirmed violation."""
    return may_handle_report(user, report) and report.flags


def may_receive_notifications(user: Visitor) -> bool:
    """Members of a team get messages (berichten) about their team's reports."""
    return may_act(user) and user.team_id is not None


def reports_visible_to(user: User) -> QuerySet[ViolationReport]:
    """Return the reports ``user`` may read: all (auditor), the team's (team lead)."""
    if may_read_all_reports(user):
        return ViolationReport.objects.all()
    team_id = user.team_id if may_decide_reports(user) else None
    if team_id is None:
        return ViolationReport.objects.none()
    return ViolationReport.objects.filter(team_id=team_id)


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    """Return the messages ``user`` may read: their own."""
    if not may_act(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)
