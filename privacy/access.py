"""Who may read the retention schedule, manage legal holds and access exports.

Auditors place holds, read them, and lift them with a second auditor: one asks,
another agrees (four eyes, written once here: ``asked_to_lift_themselves``; the
database's check ``privacy_hold_lifted_by_another`` says it again). Auditors and
admins read the retention schedule. Where an answer depends on the hold's state
(standing, a request waiting), the services check it again on the locked row. An
access export is seen by the auditor who asked for it, and nobody else.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.access import Visitor, holds
from accounts.models import User
from accounts.roles import Role
from privacy.models import AccessExport, LegalHold


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
