"""Check that every client's stored flag is what its reports say.

The flag on the client (``Client.flag``) is written only by the violation
services, when they confirm or withdraw a report. This check reads the reports
again and names each client whose stored flag differs: ``manage.py
check_client_flags`` and the nightly task (``violations.tasks``) run it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.mail import mail_roles
from accounts.roles import Role
from conversations.models import Client, ClientFlag
from violations.models import ViolationReport
from violations.selectors import flag_from_reports, flagging

# Who hears of a mismatch: who looks after the application and who checks it.
ALERTED = (Role.ADMIN, Role.AUDITOR)


@dataclass(frozen=True)
class FlagMismatch:
    """A client whose stored flag is not the one its reports call for."""

    client_id: int
    client_ref: str
    expected: ClientFlag | None
    stored: ClientFlag | None

    def summary(self) -> str:
        return (
            f"{self.client_ref}: expected {_said(self.expected)}, "
            f"stored {_said(self.stored)}"
        )


def _said(flag: ClientFlag | None) -> str:
    if flag is None:
        return "not flagged"
    return f"report {flag.report_id} ({flag.rule}, {flag.happened_on.isoformat()})"


def flags_from_reports() -> dict[int, ClientFlag]:
    """Return, by client id, the flag of every client its reports flag.

    The choice of ``violations.selectors.flag_from_reports``, for all at once.
    """
    rows = (
        flagging(ViolationReport.objects.all())
        .order_by("client_id", "-decided_at", "-id")
        .distinct("client_id")
        .values_list("client_id", "pk", "happened_on", "rule")
    )
    return {
        client_id: ClientFlag(report_id, happened_on, rule)
        for client_id, report_id, happened_on, rule in rows.iterator()
    }


def client_flag_mismatches() -> list[FlagMismatch]:
    """Return every client whose stored flag differs from its reports', by id.

    The reports and the clients are read in two statements, so a report confirmed
    or withdrawn between them would look like a mismatch: each one found is read
    again under the client's lock (the one the services write under) before it
    counts.
    """
    confirmed = (_mismatch_under_lock(found) for found in _mismatches_at_a_glance())
    return [mismatch for mismatch in confirmed if mismatch is not None]


def _mismatches_at_a_glance() -> list[FlagMismatch]:
    expected = flags_from_reports()
    clients = (
        Client.objects.filter(
            Q(flag_report_id__isnull=False)
            | Q(pk__in=flagging(ViolationReport.objects.all()).values("client_id"))
        )
        .only("pk", "bsn_hash", "flag_report_id", "flagged_on", "flag_rule")
        .order_by("pk")
    )
    return [
        FlagMismatch(client.pk, client.client_ref, expected.get(client.pk), client.flag)
        for client in clients.iterator()
        if client.flag != expected.get(client.pk)
    ]


def _mismatch_under_lock(candidate: FlagMismatch) -> FlagMismatch | None:
    with transaction.atomic():
        client = (
            Client.objects.select_for_update()
            .only("pk", "bsn_hash", "flag_report_id", "flagged_on", "flag_rule")
            .get(pk=candidate.client_id)
        )
        expected = flag_from_reports(client_id=client.pk)
    if client.flag == expected:
        return None
    return FlagMismatch(client.pk, client.client_ref, expected, client.flag)


def client_flags_verify() -> list[FlagMismatch]:
    """Check every client's flag; mail the admins and auditors if any differs."""
    mismatches = client_flag_mismatches()
    if mismatches:
        _alert(len(mismatches))
    return mismatches


def _alert(count: int) -> list[str]:
    """Mail how many flags differ; the mail names no client."""
    return mail_roles(
        roles=ALERTED,
        subject=_("uwvrec: signaleringen van klanten kloppen niet"),
        message=_(
            "Bij %(count)s klanten wijkt de opgeslagen signalering af van wat "
            "hun meldingen van overtredingen zeggen. De checklist kan daardoor "
            "een verkeerd besluit geven.\n\n"
            "Bekijk welke klanten met: python manage.py check_client_flags"
        )
        % {"count": count},
    )
