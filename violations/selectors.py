"""Reads about violations, always scoped to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import JSONField, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from accounts.models import User
from conversations.models import Client, Conversation
from violations.access import may_read, may_read_all
from violations.models import (
    BrokenRule,
    Notification,
    ReportStatus,
    ViolationEvent,
    ViolationReport,
)

_FLAG_CACHE = "_violations_flag"


@dataclass(frozen=True)
class Flag:
    """Why a client is flagged: the most recent confirmed, not withdrawn violation."""

    report_id: int
    happened_on: datetime.date
    rule: str

    @property
    def rule_label(self) -> str:
        return str(BrokenRule(self.rule).label)


def flagging(queryset: QuerySet[ViolationReport]) -> QuerySet[ViolationReport]:
    """Return the reports in ``queryset`` that flag their client."""
    return queryset.filter(status=ReportStatus.CONFIRMED, withdrawn_at__isnull=True)


def client_flag(client: Client) -> Flag | None:
    """Return why ``client`` is flagged, or None; remembered on the instance.

    The R8 fact of the checklist and the banner at its top both come from here,
    so a page asks the database once.
    """
    if _FLAG_CACHE not in client.__dict__:
        report = (
            flagging(ViolationReport.objects.filter(client=client))
            .order_by("-decided_at", "-id")
            .only("pk", "happened_on", "rule")
            .first()
        )
        client.__dict__[_FLAG_CACHE] = (
            Flag(report.pk, report.happened_on, report.rule) if report else None
        )
    flag: Flag | None = client.__dict__[_FLAG_CACHE]
    return flag


def client_flag_column(client_id_column: str) -> RawSQL:
    """Return ``client_flag``'s question as a column of another query.

    ``client_id_column`` names the client's id in that query. The value is None
    or ``[report id, day it happened, rule]``; hand it to ``client_flag_remember``.
    Written out in SQL: the ORM's subquery expressions take longer to compile than
    a query of their own takes to run (bench/bench_checklist.py).
    """
    return RawSQL(  # noqa: S611 - the column name comes from code, never from input
        "SELECT jsonb_build_array(r.id, r.happened_on, r.rule) "  # noqa: S608
        "FROM violations_violationreport r "
        f"WHERE r.client_id = {client_id_column} "
        "AND r.status = %s AND r.withdrawn_at IS NULL "
        "ORDER BY r.decided_at DESC, r.id DESC LIMIT 1",
        (ReportStatus.CONFIRMED.value,),
        output_field=JSONField(),
    )


def client_flag_remember(client: Client, column: list[Any] | None) -> None:
    """Keep the flag ``client_flag_column`` fetched, for ``client_flag`` to return."""
    client.__dict__[_FLAG_CACHE] = (
        Flag(column[0], datetime.date.fromisoformat(column[1]), column[2])
        if column
        else None
    )


def report_list_for(*, user: User) -> QuerySet[ViolationReport]:
    """Return the reports ``user`` may read: a team lead's team's, or all (auditor)."""
    if not may_read(user):
        return ViolationReport.objects.none()
    reports = ViolationReport.objects.select_related("client", "team", "reported_by")
    if may_read_all(user):
        return reports
    team_id = user.team_id
    return reports.none() if team_id is None else reports.filter(team_id=team_id)


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
    return Notification.objects.filter(recipient=user).select_related(
        "report", "report__client"
    )


def unread_count_for(*, user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
