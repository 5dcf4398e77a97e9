"""Reads of the audit trail for its review, always scoped to who is looking.

Auditors see every event; a team lead sees the events of their own team; nobody
else sees any. Lists are newest first and paged by keyset (the last row's time and
id, signed into an opaque cursor): no OFFSET and no exact count, so a page deep in
tens of millions of rows costs what the first one does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from audit import chain
from audit.models import AuditAnchor, AuditEvent, AuditLink, ExportJob

PAGE_SIZE = 50
NEWEST_FIRST = ("-occurred_at", "-id")
_CURSOR_SALT = "audit.trail.cursor"
_VIEW_ALL = "audit.view_all_auditevents"


@dataclass(frozen=True)
class TrailFilters:
    """What a reviewer narrowed the trail down to; every field is optional.

    Each field has a small function in ``_FILTERS`` that applies it along an index
    of ``audit_auditevent``. A conversation filter, and a client filter (the BSN
    posted in a form and turned into the pseudonymous ``client_ref``, which has an
    index already, never a BSN in a URL), are added the same way once those exist.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor_id: int | None = None
    action: str = ""
    result: str = ""
    object_type: str = ""
    object_id: str = ""
    client_ref: str = ""

    def as_data(self) -> dict[str, Any]:
        """Return the filters that are set, as JSON (for audit events and exports)."""
        data = {name: value for name, value in asdict(self).items() if value}
        for name in ("date_from", "date_to"):
            if name in data:
                data[name] = data[name].isoformat()
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> TrailFilters:
        """Return the filters ``as_data`` gave (an export job stores them so)."""
        known = {field.name for field in fields(cls)}
        values = {name: value for name, value in data.items() if name in known}
        for name in ("date_from", "date_to"):
            if values.get(name):
                values[name] = dt.date.fromisoformat(values[name])
        return cls(**values)


@dataclass(frozen=True)
class Page:
    """One page of events and the cursor of the next (None on the last page)."""

    rows: list[AuditEvent]
    next_cursor: str | None


class InvalidCursorError(ValidationError):
    """A cursor that was not made here, or was changed on the way."""


def sees_whole_trail(user: User) -> bool:
    """Return whether ``user`` may read every event, of every team."""
    return user.has_role(Role.AUDITOR) or user.has_perm(_VIEW_ALL)


def may_review_trail(user: User) -> bool:
    """Return whether ``user`` may read any part of the trail."""
    return sees_whole_trail(user) or user.has_role(Role.TEAM_LEAD)


def audit_events_for(
    *, user: User, filters: TrailFilters | None = None
) -> QuerySet[AuditEvent]:
    """Return the events ``user`` may see, filtered, newest first.

    Raises PermissionDenied for a user who may see none (employees, admins).
    """
    events = _scoped(AuditEvent.objects.all(), user)
    for apply in _FILTERS:
        events = apply(events, filters or TrailFilters())
    return events.order_by(*NEWEST_FIRST)


def _scoped(events: QuerySet[AuditEvent], user: User) -> QuerySet[AuditEvent]:
    if sees_whole_trail(user):
        return events
    if not user.has_role(Role.TEAM_LEAD):
        raise PermissionDenied
    if user.team_id is None:
        # team_id=None would match the events without a team; a team lead
        # without a team has none to review.
        return events.none()
    return events.filter(team_id=user.team_id)


def _start_of(day: dt.date) -> dt.datetime:
    """Return midnight at the start of ``day`` in Amsterdam."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def _period(events: QuerySet[AuditEvent], f: TrailFilters) -> QuerySet[AuditEvent]:
    if f.date_from:
        events = events.filter(occurred_at__gte=_start_of(f.date_from))
    if f.date_to:  # inclusive: up to the next midnight
        events = events.filter(
            occurred_at__lt=_start_of(f.date_to + dt.timedelta(days=1))
        )
    return events


def _actor(events: QuerySet[AuditEvent], f: TrailFilters) -> QuerySet[AuditEvent]:
    return events if f.actor_id is None else events.filter(actor_id=f.actor_id)


def _action(events: QuerySet[AuditEvent], f: TrailFilters) -> QuerySet[AuditEvent]:
    return events.filter(action=f.action) if f.action else events


def _result(events: QuerySet[AuditEvent], f: TrailFilters) -> QuerySet[AuditEvent]:
    return events.filter(result=f.result) if f.result else events


def _object(events: QuerySet[AuditEvent], f: TrailFilters) -> QuerySet[AuditEvent]:
    if f.object_type:
        events = events.filter(object_type=f.object_type)
    if f.object_id:
        events = events.filter(object_id=f.object_id)
    return events


def _client(events: QuerySet[AuditEvent], f: TrailFilters) -> QuerySet[AuditEvent]:
    return events.filter(client_ref=f.client_ref) if f.client_ref else events


_FILTERS: tuple[
    Callable[[QuerySet[AuditEvent], TrailFilters], QuerySet[AuditEvent]], ...
] = (_period, _actor, _action, _result, _object, _client)


def encode_cursor(event: AuditEvent) -> str:
    """Return the opaque, signed cursor that pages on after ``event``."""
    return signing.dumps(
        [chain.microseconds(event.occurred_at), event.id], salt=_CURSOR_SALT
    )


def decode_cursor(token: str) -> tuple[dt.datetime, int]:
    """Return the time and id in ``token``; raise InvalidCursorError if forged."""
    try:
        moment, event_id = signing.loads(token, salt=_CURSOR_SALT)
        return chain.EPOCH + dt.timedelta(microseconds=int(moment)), int(event_id)
    except (signing.BadSignature, TypeError, ValueError, OverflowError):
        raise InvalidCursorError(
            _(
                "De link naar oudere gebeurtenissen klopt niet. Begin opnieuw bij "
                "de nieuwste gebeurtenissen."
            ),
            code="invalid_cursor",
        ) from None


def page_after(
    queryset: QuerySet[AuditEvent], cursor: str | None, size: int = PAGE_SIZE
) -> Page:
    """Return the ``size`` events after ``cursor`` (from the newest without one).

    One extra row is fetched to learn whether another page follows.
    """
    events = queryset.order_by(*NEWEST_FIRST)
    if cursor:
        moment, event_id = decode_cursor(cursor)
        # The first condition keeps the scan on the (occurred_at, id) indexes; the
        # second breaks ties between events of the same microsecond.
        events = events.filter(occurred_at__lte=moment).filter(
            Q(occurred_at__lt=moment) | Q(id__lt=event_id)
        )
    rows = list(events[: size + 1])
    if len(rows) <= size:
        return Page(rows=rows, next_cursor=None)
    return Page(rows=rows[:size], next_cursor=encode_cursor(rows[size - 1]))


def reviewable_employees_for(*, user: User) -> QuerySet[User]:
    """Return the staff whose events ``user`` may filter on."""
    users = User.objects.order_by("last_name", "first_name", "username")
    if sees_whole_trail(user):
        return users
    if not user.has_role(Role.TEAM_LEAD):
        raise PermissionDenied
    return users.filter(team_id=user.team_id) if user.team_id else users.none()


def event_link_for(*, event: AuditEvent) -> AuditLink | None:
    """Return the event's place in the hash chain, or None while not sealed."""
    return AuditLink.objects.filter(event_id=event.id).first()


def latest_anchor() -> AuditAnchor | None:
    """Return the chain head copied out of the database most recently."""
    return AuditAnchor.objects.order_by("-seq", "-id").first()


def export_jobs_for(*, user: User) -> QuerySet[ExportJob]:
    """Return the export jobs ``user`` may follow and download.

    Auditors see every job; a team lead only their own.
    """
    if not may_review_trail(user):
        raise PermissionDenied
    jobs = ExportJob.objects.select_related("requested_by")
    return jobs if sees_whole_trail(user) else jobs.filter(requested_by=user)
