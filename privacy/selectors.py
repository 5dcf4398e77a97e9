"""Reads of the privacy pages: holds, access exports and erasures, scoped to the
user; the schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import ngettext

from accounts.access import Visitor
from audit.catalogue import Action
from audit.models import AuditEvent
from privacy.access import (
    access_exports_visible_to,
    erasures_visible_to,
    holds_visible_to,
    standing_on,
)
from privacy.models import AccessExport, ErasureRequest, LegalHold, RetentionPeriod
from privacy.presentation import period_shown
from privacy.schedule import CLIENT, CONVERSATION, SCHEDULE, SESSION, Kind
from privacy.services.retention import retention_due

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def hold_list_for(*, user: Visitor, today: dt.date) -> QuerySet[LegalHold]:
    """Return the holds ``user`` may read: standing ones first, newest first."""
    return (
        holds_visible_to(user)
        .select_related("client", "placed_by", "lift_requested_by", "lifted_by")
        .annotate(
            ended=Case(
                When(standing_on(today), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("ended", "-placed_at", "-id")
    )


def hold_for(*, user: Visitor, pk: int) -> LegalHold:
    """Return one hold the user may read, or raise Http404."""
    return get_object_or_404(
        holds_visible_to(user).select_related(
            "client", "placed_by", "lift_requested_by", "lifted_by"
        ),
        pk=pk,
    )


ERASURE_PEOPLE = ("client", "requested_by", "approved_by", "declined_by")


def erasure_list_for(*, user: Visitor) -> QuerySet[ErasureRequest]:
    """Return the erasure requests ``user`` may read: open ones first, newest first."""
    return (
        erasures_visible_to(user)
        .select_related(*ERASURE_PEOPLE)
        .annotate(
            closed=Case(
                When(status=ErasureRequest.Status.REQUESTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "-requested_at", "-id")
    )


def erasure_for(*, user: Visitor, pk: int) -> ErasureRequest:
    """Return one erasure request the user may read, or raise Http404."""
    return get_object_or_404(
        erasures_visible_to(user).select_related(*ERASURE_PEOPLE), pk=pk
    )


def refusal_hold(*, user: Visitor, request: ErasureRequest) -> LegalHold | None:
    """Return the hold that stopped the erasure, while it is kept, if ``user`` may
    read holds (auditors): a team lead is told there is one, not its case."""
    if request.refusal_hold_id is None:
        return None
    return holds_visible_to(user).filter(pk=request.refusal_hold_id).first()


def access_export_list_for(*, user: Visitor) -> QuerySet[AccessExport]:
    """Return the access exports ``user`` asked for, newest first."""
    return access_exports_visible_to(user).select_related("client")


def access_export_for(*, user: Visitor, pk: int) -> AccessExport:
    """Return one access export ``user`` asked for, or raise Http404."""
    return get_object_or_404(
        access_exports_visible_to(user).select_related("client", "requested_by"),
        pk=pk,
    )


@dataclass(frozen=True)
class ScheduleRow:
    """One kind of record on the schedule page."""

    kind: Kind
    days: int | None  # None: not counted in days (sessions)
    due: int  # what the next run would remove
    removed_last: int | None  # what the last run removed, if there was one

    @property
    def label(self) -> StrOrPromise:
        return self.kind.label

    @property
    def period(self) -> str:
        """Return the period in words; a session's is its idle time."""
        if self.days is not None:
            return period_shown(self.days)
        minutes = settings.SESSION_COOKIE_AGE // 60
        return ngettext(
            "%(count)d minuut zonder verzoek",
            "%(count)d minuten zonder verzoek",
            minutes,
        ) % {"count": minutes}


def stored_periods() -> dict[str, int]:
    """Return the periods the database holds (and judges by), per kind."""
    periods = dict(RetentionPeriod.objects.values_list("kind", "days"))
    # A client goes after the conversations' period; export files are Python's.
    if CONVERSATION.code in periods:
        periods[CLIENT.code] = periods[CONVERSATION.code]
    periods["export_file"] = settings.RETENTION_EXPORT_FILE_DAYS
    return periods


def last_retention_run() -> AuditEvent | None:
    """Return the event of the newest retention run that removed (not a dry run)."""
    return (
        AuditEvent.objects.filter(action=Action.RETENTION_APPLIED, data__dry_run=False)
        .order_by("-id")
        .first()
    )


def schedule_rows(last_run: AuditEvent | None) -> list[ScheduleRow]:
    """Return each kind of the schedule with its period, what is due and went."""
    periods, due = stored_periods(), retention_due()
    removed: dict[str, Any] = last_run.data.get("removed", {}) if last_run else {}
    return [
        ScheduleRow(
            kind=kind,
            days=None if kind is SESSION else periods.get(kind.code),
            due=due.get(kind.code, 0),
            removed_last=int(removed.get(kind.code, 0)) if last_run else None,
        )
        for kind in SCHEDULE
    ]
