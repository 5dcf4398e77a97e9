"""Reads about violations, always scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from conversations.models import ClientFlag, Conversation, Decision
from rules.engine import Outcome
from violations.access import (
    may_report,
    notifications_visible_to,
    reports_visible_to,
)
from violations.models import (
    BrokenRule,
    Notification,
    ReportStatus,
    ViolationEvent,
    ViolationReport,
)


def flagging(queryset: QuerySet[ViolationReport]) -> QuerySet[ViolationReport]:
    """Return the reports in ``queryset`` that flag their client."""
    return queryset.filter(status=ReportStatus.CONFIRMED, withdrawn_at__isnull=True)


def flag_from_reports(*, client_id: int) -> ClientFlag | None:
    """Return the flag the client's reports call for, or None: none flags it.

    Of its confirmed, not withdrawn reports, the one decided last (then the
    highest id). What the services store on the client, and what the
    consistency check compares the stored flag with.
    """
    report = (
        flagging(ViolationReport.objects.filter(client_id=client_id))
        .order_by("-decided_at", "-id")
        .only("pk", "happened_on", "rule")
        .first()
    )
    return ClientFlag(report.pk, report.happened_on, report.rule) if report else None


def report_list_for(*, user: User) -> QuerySet[ViolationReport]:
    """Return the reports ``user`` may read: a team lead's team's, or all (auditor)."""
    return reports_visible_to(user).select_related("client", "team", "reported_by")


def reports_of_conversation(*, conversation: Conversation) -> list[ViolationReport]:
    """Return the reports made about one conversation, oldest first.

    For the employees of its team (who may report), so they see what was
    reported before they report again. The caller read the conversation through
    its scoped selector.
    """
    return list(
        ViolationReport.objects.filter(conversation=conversation)
        .select_related("reported_by")
        .order_by("reported_at", "id")
    )


def rule_to_report_for(
    *, user: User, conversation: Conversation, decisions: list[Decision]
) -> str:
    """Return the violation to report when the client recorded against the decision.

    Empty when the user may not report on this conversation, the client did
    not record, the decision allowed it, or the conversation was reported on
    already. ``decisions``: the conversation's, newest first.
    """
    if not may_report(user, conversation):
        return ""
    if not (conversation.status == Conversation.Status.HELD and decisions):
        return ""
    if not conversation.client_recorded:
        return ""
    rule = {
        Outcome.NOT_ALLOWED: BrokenRule.NOT_ALLOWED,
        Outcome.NOT_REQUESTED: BrokenRule.SECRETLY,
    }.get(Outcome(decisions[0].outcome))
    if rule is None or reports_of_conversation(conversation=conversation):
        return ""
    return rule.value


def report_for(*, user: User, pk: int) -> ViolationReport:
    """Return one report the user may read, or raise Http404."""
    return get_object_or_404(
        report_list_for(user=user).select_related(
            "conversation", "decided_by", "withdrawn_by"
        ),
        pk=pk,
    )


def open_reports_for(*, user: User) -> QuerySet[ViolationReport]:
    """Return the reports waiting for a decision, oldest first."""
    return (
        report_list_for(user=user)
        .filter(status=ReportStatus.REPORTED)
        .order_by("reported_at", "id")
    )


def flagged_reports_for(*, user: User) -> QuerySet[ViolationReport]:
    """Return the flagging reports the user may read, by client, newest first."""
    return flagging(report_list_for(user=user)).order_by(
        "client__display_name", "client_id", "-decided_at"
    )


def history_of(report: ViolationReport) -> list[ViolationEvent]:
    """Return every step of the report's history, oldest first."""
    return list(report.events.select_related("actor").order_by("at", "id"))


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return notifications_visible_to(user).select_related("report", "report__client")


def unread_count_for(*, user: User) -> int:
    return notifications_visible_to(user).filter(read_at__isnull=True).count()
