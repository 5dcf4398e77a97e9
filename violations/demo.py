"""Demo violations for ``make run``: an open report and a flagged client."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from conversations.bsn import bsn_hash
from conversations.models import Conversation
from violations.models import BrokenRule, ViolationReport
from violations.services import violation_confirm, violation_report

OPEN_REPORT_BSN = "999990020"  # Johan de Boer, held this morning
FLAGGED_BSN = "999990081"  # Emma Visser, a phone call tomorrow


def violations_demo_load() -> int:
    """Report and confirm the demo violations unless there are; return how many."""
    employee = User.objects.get(username="medewerker")
    if ViolationReport.objects.filter(team_id=_team_of(employee)).exists():
        return 0
    lead = User.objects.get(username="teamleider")
    now = timezone.now()
    flagged = _report(employee, FLAGGED_BSN, BrokenRule.SHARED, now, days_ago=30)
    violation_confirm(
        actor=lead,
        report=flagged,
        reason="De opname staat openbaar online; de klant bevestigde dat.",
        at=now,
    )
    _report(employee, OPEN_REPORT_BSN, BrokenRule.SECRETLY, now, days_ago=0)
    return 2


def _report(
    employee: User, bsn: str, rule: BrokenRule, now: datetime.datetime, *, days_ago: int
) -> ViolationReport:
    conversation = (
        Conversation.objects.filter(
            team_id=_team_of(employee), client__bsn_hash=bsn_hash(bsn)
        )
        .select_related("client")
        .latest("scheduled_at")
    )
    return violation_report(
        actor=employee,
        conversation=conversation,
        rule=rule,
        what_happened="Demo: de klant nam het gesprek op zonder het te melden.",
        happened_on=timezone.localdate(now) - datetime.timedelta(days=days_ago),
        how_established="Demo: de medewerker zag een telefoon die opnam.",
        at=now,
    )


def _team_of(employee: User) -> int:
    if employee.team_id is None:
        raise ValueError(f"demo user {employee.username} has no team")
    return employee.team_id
