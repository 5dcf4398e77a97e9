"""The trail's monthly partitions, and events that landed in the default one.

An event lands in ``audit_auditevent_default`` only when its month had no partition
when it was written: the daily task did not run for months. Each day the task
therefore first looks there; anything found is logged as an error and mailed to
the auditors and the admins, and then moved to a new partition of its month
(``audit_make_partition``, audited as ``audit.partition_filled``), so the default
partition is empty again and every month can be dropped whole later on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import structlog
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.mail import mail_roles
from accounts.roles import Role
from audit import request_context

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class StrayMonth:
    """A month (UTC, as the partitions are cut) with events in the default partition."""

    month: dt.date
    events: int

    def label(self) -> str:
        return self.month.strftime("%Y-%m")


@dataclass(frozen=True)
class PartitionsReport:
    """What the daily run found in the default partition, and how many it made."""

    made: int
    stray: tuple[StrayMonth, ...]


def audit_partitions_prepare(*, months_ahead: int = 3) -> PartitionsReport:
    """Make the coming months' partitions; report and move events in the default."""
    stray = audit_default_partition_months()
    if stray:
        _report_stray(stray)
    origin = request_context.current()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_ensure_partitions(%s, %s, %s)",
            [months_ahead, origin.origin, origin.request_id],
        )
        made = int(cursor.fetchone()[0])
    # The coming months took their events along; the rest (the past) come here.
    for month in audit_default_partition_months():
        audit_partition_fill(month=month.month)
        made += 1
    return PartitionsReport(made=made, stray=stray)


def audit_default_partition_months() -> tuple[StrayMonth, ...]:
    """Return the months that have events in the default partition, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT month, events FROM audit_default_partition_months()")
        return tuple(StrayMonth(month=month, events=events) for month, events in cursor)


def audit_partition_fill(*, month: dt.date) -> int:
    """Make ``month``'s partition, moving its events out of the default; audited.

    Return how many events were moved. The move, the guard around it and the
    ``audit.partition_filled`` event are one database function in one transaction.
    """
    origin = request_context.current()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_make_partition(%s, %s, %s)",
            [month, origin.origin, origin.request_id],
        )
        return int(cursor.fetchone()[0])


def _report_stray(stray: tuple[StrayMonth, ...]) -> None:
    total = sum(month.events for month in stray)
    months = ", ".join(f"{month.label()} ({month.events})" for month in stray)
    logger.error(
        "audit events in the default partition",
        events=total,
        months=[month.label() for month in stray],
    )
    mail_roles(
        roles=[Role.AUDITOR, Role.ADMIN],
        subject=_("uwvrec: auditgebeurtenissen buiten hun maandpartitie"),
        message=_(
            "In de standaardpartitie van de audittrail staan %(events)s "
            "gebeurtenissen, per maand: %(months)s.\n\n"
            "Dat gebeurt alleen als de dagelijkse taak "
            "audit.tasks.prepare_audit_partitions niet op tijd heeft gedraaid: "
            "controleer of Celery beat en een worker lopen.\n\n"
            "De taak zet deze gebeurtenissen nu in een nieuwe partitie van hun "
            "maand (vastgelegd als audit.partition_filled); de hashketen blijft "
            "daarbij gelijk. Controleer daarna met: "
            "python manage.py verify_audit_trail"
        )
        % {"events": total, "months": months},
    )
