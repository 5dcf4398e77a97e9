"""Who may read the retention schedule, manage legal holds and access exports, and
erase a client.

Auditors place holds, read them, and lift them with a second auditor: one asks,
another agrees (four eyes, written once here: ``asked_to_lift_themselves``; the
database's check ``privacy_hold_lifted_by_another`` says it again). Auditors and
admins read the retention schedule. Where an answer depends on the hold's state
(standing, a request waiting), the services check it again on the locked row. An
access export is seen by the auditor who asked for it, and nobody else.

An erasure (AVG art. 17) takes a team lead and an auditor: whoever asks counts as
their role's approval, someone in the other role agrees or declines
(``erasure_approving_role``; the database's ``privacy_erase`` asks it again).
Auditors see every request; a team lead those about a client who had a
conversation with the lead's team, and those the lead took part in (once the
client is gone, nothing else ties a request to a team).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.access import Visitor, holds
from accounts.models import User
from accounts.roles import Role
from conversations.models import Conversation
from privacy.models import AccessExport, ErasureRequest, LegalHold


def may_view_schedule(user: Visitor) -> bool:
    """Auditors and admins read the retention schedule."""
    return holds(user, Role.AUDITOR) or holds(user, Role.ADMIN)


def may_manage_holds(user: Visitor) -> bool:
    """Auditors place and read legal holds, and ask or agree to lift one."""
    return holds(user, Role.AUDITOR)


def hold_standing(hold: LegalHold, today: dt.date) -> bool:
    """A hold stands while not lifted and its last day (if any) is not past."""
    return hold.lifted_at is None and (hold.until is None or hold.until >= today)


def standing_on(today: dt.date) -> Q:
    """The condition ``hold_standing`` is, for a query of holds."""
    return Q(lifted_at__isnull=True) & (Q(until__isnull=True) | Q(until__gte=today))


def asked_to_lift_themselves(user: User, hold: LegalHold) -> bool:
    """Four eyes: who asked to lift a hold does not agree; another auditor does."""
    return hold.lift_requested_by_id == user.pk


def may_request_lift(user: Visitor, hold: LegalHold, today: dt.date) -> bool:
    """An auditor asks to lift a standing hold that nobody asked to lift yet."""
    return (
        may_manage_holds(user)
        and hold_standing(hold, today)
        and hold.lift_requested_at is None
    )


def may_agree_to_lift(user: Visitor, hold: LegalHold, today: dt.date) -> bool:
    """Another auditor than the one who asked agrees to lift a standing hold."""
    return (
        may_manage_holds(user)
        and hold_standing(hold, today)
        and hold.lift_requested_at is not None
        and not asked_to_lift_themselves(user, hold)  # type: ignore[arg-type]
    )


def holds_visible_to(user: Visitor) -> QuerySet[LegalHold]:
    """Return the holds ``user`` may read: every one (auditors), or none."""
    if not may_manage_holds(user):
        return LegalHold.objects.none()
    return LegalHold.objects.all()


def access_exports_visible_to(user: Visitor) -> QuerySet[AccessExport]:
    """Return the access exports ``user`` may see: only those they asked for.

    An export holds everything about a client: not even another auditor sees it.
    """
    if not may_manage_holds(user) or not user.is_authenticated:
        return AccessExport.objects.none()
    return AccessExport.objects.filter(requested_by=user)


def erasure_role(user: Visitor) -> Role | None:
    """Return the role ``user`` asks or decides an erasure in, or None: none.

    An auditor, or a team lead with a team; who is both acts as the auditor.
    """
    if holds(user, Role.AUDITOR):
        return Role.AUDITOR
    if holds(user, Role.TEAM_LEAD) and user.team_id is not None:
        return Role.TEAM_LEAD
    return None


def may_handle_erasures(user: Visitor) -> bool:
    """Team leads with a team and auditors ask, read and decide erasure requests."""
    return erasure_role(user) is not None


def erasure_approving_role(request: ErasureRequest) -> Role:
    """Four eyes of two roles: the role that must agree is the one that did not ask."""
    if request.requested_role == Role.TEAM_LEAD:
        return Role.AUDITOR
    return Role.TEAM_LEAD


def asked_to_erase_themselves(user: User, request: ErasureRequest) -> bool:
    """Four eyes: who asked for an erasure does not agree to it or decline it."""
    return request.requested_by_id == user.pk


def client_in_team(user: Visitor, client_id: int | None) -> bool:
    """Tell whether the client had a conversation with ``user``'s team."""
    team_id = getattr(user, "team_id", None)
    if client_id is None or team_id is None:
        return False
    return Conversation.objects.filter(client_id=client_id, team_id=team_id).exists()


def may_decide_erasure(user: Visitor, request: ErasureRequest) -> bool:
    """Someone in the other role than the asker's, not the asker, decides an open one.

    A team lead only about a client of their team.
    """
    role = erasure_approving_role(request)
    if not (
        request.status == ErasureRequest.Status.REQUESTED
        and holds(user, role)
        and not asked_to_erase_themselves(user, request)
    ):
        return False
    return role == Role.AUDITOR or client_in_team(user, request.client_id)


def erasures_visible_to(user: Visitor) -> QuerySet[ErasureRequest]:
    """Return the requests ``user`` may read: all (auditor), the team's (team lead)."""
    role = erasure_role(user)
    if role == Role.AUDITOR:
        return ErasureRequest.objects.all()
    if role is None or not isinstance(user, User) or user.team_id is None:
        return ErasureRequest.objects.none()
    teams_clients = Conversation.objects.filter(team_id=user.team_id).values(
        "client_id"
    )
    return ErasureRequest.objects.filter(
        Q(client_id__in=teams_clients)
        | Q(requested_by=user)
        | Q(approved_by=user)
        | Q(declined_by=user)
    )
