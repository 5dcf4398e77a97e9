"""Who may review the audit trail, and how much of it: the one place that decides.

Auditors (and whoever holds the permission ``audit.view_all_auditevents``) see the
whole trail, of every team; a team lead sees the events of their own team; nobody
else sees any. What a reviewer sees named on the trail (conversations, clients,
staff) follows the same line.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.access import holds, may_act
from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEvent, ExportJob, VerificationJob
from conversations.models import Client, Conversation

VIEW_ALL_PERMISSION = "audit.view_all_auditevents"


def may_see_whole_trail(user: User) -> bool:
    """Return whether ``user`` may read every event, of every team."""
    return holds(user, Role.AUDITOR) or (
        may_act(user) and user.has_perm(VIEW_ALL_PERMISSION)
    )


def may_review_trail(user: User) -> bool:
    """Return whether ``user`` may read any part of the trail."""
    return may_see_whole_trail(user) or holds(user, Role.TEAM_LEAD)


def may_export_trail(user: User) -> bool:
    """Every reviewer exports what they see, and takes the standalone checker."""
    return may_review_trail(user)


def may_run_verification(user: User) -> bool:
    """Those who see the whole trail start a check of it; team leads read results."""
    return may_see_whole_trail(user)


def _team_reviewed_by(user: User) -> int | None:
    """Return the team whose part of the trail ``user`` reviews, if only one's."""
    if may_see_whole_trail(user) or not holds(user, Role.TEAM_LEAD):
        return None
    # A team lead without a team has none to review (team None would match
    # the events that concern no team).
    return user.team_id


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Return the events ``user`` may read: every one, their team's, or none."""
    if may_see_whole_trail(user):
        return AuditEvent.objects.all()
    if (team_id := _team_reviewed_by(user)) is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(team_id=team_id)


def staff_visible_to(user: User) -> QuerySet[User]:
    """Return the staff whose events ``user`` may filter on and see named."""
    if may_see_whole_trail(user):
        return User.objects.all()
    if (team_id := _team_reviewed_by(user)) is None:
        return User.objects.none()
    return User.objects.filter(team_id=team_id)


def trail_conversations_visible_to(user: User) -> QuerySet[Conversation]:
    """Return the conversations a reviewer sees named on the trail."""
    if may_see_whole_trail(user):
        return Conversation.objects.all()
    if (team_id := _team_reviewed_by(user)) is None:
        return Conversation.objects.none()
    return Conversation.objects.filter(team_id=team_id)


def trail_clients_visible_to(user: User) -> QuerySet[Client]:
    """Return the clients a reviewer sees named on the trail.

    A team lead knows the clients their team holds conversations with.
    """
    if may_see_whole_trail(user):
        return Client.objects.all()
    if (team_id := _team_reviewed_by(user)) is None:
        return Client.objects.none()
    team_conversations = Conversation.objects.filter(team_id=team_id)
    return Client.objects.filter(pk__in=team_conversations.values("client_id"))


def export_jobs_visible_to(user: User) -> QuerySet[ExportJob]:
    """Return the export jobs ``user`` may follow and download.

    Those who see the whole trail, every job; a team lead their own.
    """
    if may_see_whole_trail(user):
        return ExportJob.objects.all()
    if not may_review_trail(user):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user)


def verification_jobs_visible_to(user: User) -> QuerySet[VerificationJob]:
    """Return the checks asked for that ``user`` may follow: auditors, every one."""
    if not may_see_whole_trail(user):
        return VerificationJob.objects.none()
    return VerificationJob.objects.all()
