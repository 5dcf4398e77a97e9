from __future__ import annotations

from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.access import may_lift_lockout
from accounts.lockouts import locks_in_force, record_lifted

if TYPE_CHECKING:
    from accounts.models import User


def sessions_clear_expired() -> int:
    """Delete every session whose idle time ran out; return how many went."""
    with transaction.atomic():
        deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def lockout_lift(*, actor: User | None, attempts: QuerySet[AccessAttempt]) -> int:
    """Delete failed-login attempts, lifting the locks they made; return how many.

    Each lock in force before and not after is recorded as lifted. ``actor`` is the
    admin, or None for an operator on the command line.
    """
    if actor is not None and not may_lift_lockout(actor):
        raise PermissionDenied
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    with transaction.atomic():
        before = locks_in_force(since)
        _total, per_model = attempts.delete()
        record_lifted(actor, before - locks_in_force(since))
    return per_model.get(AccessAttempt._meta.label, 0)
