"""Reporting violations and deciding on them: the only writes of reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.catalogue import Action, Result
from audit.payloads import (
    FLAG_VIEWED,
    LETTER_PRINTED,
    VIOLATION_VIEWED,
    Event,
    Refused,
    ViolationDecided,
)
from audit.services.record import audit_record, audit_record_many, audit_record_refusal
from conversations.models import Client, ClientFlag, Conversation
from violations.access import (
    filed_it_themselves,
    may_handle_report,
    may_print_letter,
    may_report,
)
from violations.models import (
    BrokenRule,
    Notification,
    ReportStatus,
    ViolationEvent,
    ViolationReport,
)
from violations.notifications import notification_create
from violations.selectors import flag_from_reports

# What the violation services keep on the client; no other code writes them.
FLAG_FIELDS = ["flag_report_id", "flagged_on", "flag_rule"]


class ViolationError(ValidationError):
    """A report or decision the rules do not allow, with a Dutch message."""


def violation_report(
    *,
    actor: User,
    conversation: Conversation,
    rule: BrokenRule,
    what_happened: str,
    happened_on: datetime.date,
    how_established: str,
    at: datetime.datetime,
    other_than_earlier: bool = False,
) -> ViolationReport:
    """ViolationReport a violation by the conversation's client; notify the team leads.

    A conversation reported on before takes ``other_than_earlier``: the reporter
    saw the earlier reports and says this is another violation. Otherwise it is
    refused (ViolationError, code ``already_reported``), so that a team lead is
    not asked to decide twice on the same thing.
    """
    if not may_report(actor, conversation):
        _refuse(actor, Action.VIOLATION_REPORTED, conversation=conversation)
        raise PermissionDenied(
            _("Alleen een medewerker van het team kan een overtreding melden.")
        )
    facts = {
        "rule": BrokenRule(rule),
        "what_happened": what_happened,
        "happened_on": happened_on,
        "how_established": how_established,
    }
    try:
        with transaction.atomic():
            _check_not_reported(conversation, other_than_earlier)
            return _reported(actor, conversation, facts, at)
    except ViolationError as error:
        _refuse(
            actor,
            Action.VIOLATION_REPORTED,
            conversation=conversation,
            code=error.code or "",
            result=Result.FAILED,
        )
        raise


def _check_not_reported(conversation: Conversation, other_than_earlier: bool) -> None:
    # The conversation's row lock makes two people reporting at once take turns.
    list(
        Conversation.objects.select_for_update()
        .filter(pk=conversation.pk)
        .values_list("pk", flat=True)
    )
    if other_than_earlier:
        return
    if ViolationReport.objects.filter(conversation=conversation).exists():
        raise ViolationError(
            _(
                "Bij dit gesprek is al een overtreding gemeld. Kijk of het om "
                "dezelfde overtreding gaat: dan is een nieuwe melding niet nodig. "
                "Gaat het om iets anders? Vink dat dan aan."
            ),
            code="already_reported",
        )


def _reported(
    actor: User,
    conversation: Conversation,
    facts: dict[str, Any],
    at: datetime.datetime,
) -> ViolationReport:
    report = ViolationReport.objects.create(
        client=conversation.client,
        conversation=conversation,
        team_id=conversation.team_id,
        reported_by=actor,
        reported_at=at,
        **facts,
    )
    _event(report, ViolationEvent.Kind.REPORTED, actor, "", at)
    _audit(actor, Action.VIOLATION_REPORTED, report, conversation=conversation.pk)
    for lead in _team_leads(report.team_id, but=actor):
        notification_create(
            recipient=lead, kind=Notification.Kind.REPORTED, report=report
        )
    return report


def violation_confirm(
    *, actor: User, report: ViolationReport, reason: str, at: datetime.datetime
) -> ViolationReport:
    """Confirm a report: from now on its client is flagged (R8)."""
    return _decide(actor, report, ReportStatus.CONFIRMED, reason, at)


def violation_dismiss(
    *, actor: User, report: ViolationReport, reason: str, at: datetime.datetime
) -> ViolationReport:
    """Dismiss a report: it does not count for R8."""
    return _decide(actor, report, ReportStatus.DISMISSED, reason, at)


def violation_withdraw(
    *, actor: User, report: ViolationReport, reason: str, at: datetime.datetime
) -> ViolationReport:
    """Withdraw a confirmed violation (an error, an objection upheld), with a reason.

    The reporter and the team's other leads are notified, through the outbox.
    """
    action = Action.VIOLATION_WITHDRAWN
    _check_team_lead(actor, report, action)
    try:
        with transaction.atomic():
            report = _locked(report)
            _check_reason(reason)
            if not report.flags:
                raise ViolationError(
                    _("Alleen een bevestigde overtreding kan worden ingetrokken."),
                    code="not_confirmed",
                )
            report.withdrawn_at, report.withdrawn_by = at, actor
            report.withdrawal_reason = reason
            report.save(
                update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"]
            )
            _event(report, ViolationEvent.Kind.WITHDRAWN, actor, reason, at)
            flag = _client_flag_kept(report.client)
            _audit(actor, action, report, client_flagged=flag is not None)
            for recipient in _told_of_withdrawal(report, actor):
                notification_create(
                    recipient=recipient, kind=Notification.Kind.WITHDRAWN, report=report
                )
            return report
    except ViolationError as error:
        _refuse(
            actor, action, report=report, code=error.code or "", result=Result.FAILED
        )
        raise


def _decide(
    actor: User,
    report: ViolationReport,
    status: ReportStatus,
    reason: str,
    at: datetime.datetime,
) -> ViolationReport:
    action = (
        Action.VIOLATION_CONFIRMED
        if status == ReportStatus.CONFIRMED
        else Action.VIOLATION_DISMISSED
    )
    _check_team_lead(actor, report, action)
    if filed_it_themselves(actor, report):
        _refuse(actor, action, report=report, code="four_eyes")
        raise PermissionDenied(
            _("U hebt deze melding zelf gedaan: een andere teamleider beslist erover.")
        )
    try:
        with transaction.atomic():
            return _decided(actor, _locked(report), status, reason, at, action)
    except ViolationError as error:
        _refuse(
            actor, action, report=report, code=error.code or "", result=Result.FAILED
        )
        raise


def _decided(
    actor: User,
    report: ViolationReport,
    status: ReportStatus,
    reason: str,
    at: datetime.datetime,
    action: Action,
) -> ViolationReport:
    _check_reason(reason)
    if report.status != ReportStatus.REPORTED:
        raise ViolationError(
            _("Over deze melding is al besloten."), code="already_decided"
        )
    report.status, report.decided_by, report.decided_at = status, actor, at
    report.decision_reason = reason
    report.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if status == ReportStatus.CONFIRMED:
        _client_flag_kept(report.client)
    _event(report, ViolationEvent.Kind(status.value), actor, reason, at)
    _audit(actor, action, report)
    notification_create(
        recipient=report.reported_by, kind=Notification.Kind.DECIDED, report=report
    )
    return report


def _check_team_lead(actor: User, report: ViolationReport, action: Action) -> None:
    if not may_handle_report(actor, report):
        _refuse(actor, action, report=report)
        raise PermissionDenied(
            _("Alleen een teamleider van het team beslist over deze melding.")
        )


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise ViolationError(_("Geef een reden."), code="reason_missing")


def _locked(report: ViolationReport) -> ViolationReport:
    return (
        ViolationReport.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=report.pk)
    )


def _client_flag_kept(client: Client) -> ClientFlag | None:
    """Store on ``client`` the flag its reports call for now; return it.

    The client's row is locked first and the reports read after: two leads
    deciding on the same client's reports at once take turns, and the second
    sees the first's decision.
    """
    Client.objects.select_for_update().filter(pk=client.pk).values_list("pk").get()
    flag = flag_from_reports(client_id=client.pk)
    client.flag_report_id = flag.report_id if flag else None
    client.flagged_on = flag.happened_on if flag else None
    client.flag_rule = flag.rule if flag else ""
    client.save(update_fields=FLAG_FIELDS)
    return flag


def _team_leads(team_id: int, *, but: User) -> list[User]:
    return list(
        User.objects.filter(
            team_id=team_id, is_active=True, groups__name=Role.TEAM_LEAD.value
        )
        .exclude(pk=but.pk)
        .distinct()
    )


def _told_of_withdrawal(report: ViolationReport, actor: User) -> list[User]:
    """Return the reporter and the team's leads, each once, but not ``actor``."""
    recipients = {lead.pk: lead for lead in _team_leads(report.team_id, but=actor)}
    if report.reported_by_id != actor.pk:
        recipients.setdefault(report.reported_by_id, report.reported_by)
    return list(recipients.values())


def _event(
    report: ViolationReport, kind: str, actor: User, reason: str, at: datetime.datetime
) -> ViolationEvent:
    return ViolationEvent.objects.create(
        report=report, kind=kind, actor=actor, reason=reason, at=at
    )


def _audit(actor: User, action: Action, report: ViolationReport, **data: Any) -> None:
    payload: ViolationDecided = {"rule": report.rule, "status": report.status}
    audit_record(
        actor=actor,
        event=Event(action, {**payload, **data}),
        obj=report,
        client_ref=report.client.client_ref,
    )


def _refuse(
    actor: User,
    action: Action,
    *,
    report: ViolationReport | None = None,
    conversation: Conversation | None = None,
    result: Result = Result.DENIED,
    code: str = "",
) -> None:
    """Record a refused attempt, in a transaction of its own."""
    target: dict[str, Any] = {"object_type": "violations.violationreport"}
    if report is not None:
        target = {"obj": report, "client_ref": report.client.client_ref}
    elif conversation is not None:
        target["client_ref"] = conversation.client.client_ref
    data: Refused = {"code": code} if code else {}
    event = Event(action, data)
    audit_record_refusal(actor=actor, event=event, result=result, **target)


def report_view_record(*, actor: User, report: ViolationReport) -> None:
    audit_record(
        actor=actor,
        event=VIOLATION_VIEWED({"status": report.status}),
        obj=report,
        client_ref=report.client.client_ref,
    )


def letter_print_record(
    *, actor: User, report: ViolationReport, language: str, pdf: bool = False
) -> None:
    """Record that the letter to the client was made; only for a confirmed report.

    ``pdf``: made as a PDF to download, else shown as a page to print.
    """
    if not may_print_letter(actor, report):
        _refuse(actor, Action.LETTER_PRINTED, report=report)
        raise PermissionDenied
    audit_record(
        actor=actor,
        event=LETTER_PRINTED(
            {"language": language, "format": "pdf" if pdf else "page"}
        ),
        obj=report,
        client_ref=report.client.client_ref,
    )


def flags_view_record(*, actor: User, reports: list[ViolationReport]) -> None:
    """Record that the flags of these reports' clients were shown to ``actor``.

    One event per report, all in one statement, however many the list shows.
    """
    audit_record_many(
        actor=actor,
        events=[
            {
                "event": FLAG_VIEWED(
                    {"report": report.pk, "rule": report.rule, "page": "flagged_list"}
                ),
                "obj": report.client,
                "client_ref": report.client.client_ref,
            }
            for report in reports
        ],
    )


def notifications_read(*, user: User, at: datetime.datetime) -> int:
    """Mark the user's notifications read (the notifications page was opened)."""
    from violations.notifications import notifications_mark_read

    return notifications_mark_read(user=user, at=at)
