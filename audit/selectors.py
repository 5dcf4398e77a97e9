"""Reads of the audit trail for its review, always scoped to who is looking.

Who sees how much is ``audit.access``'s answer (auditors every event, a team lead
their own team's, nobody else any); these functions read within it. Lists are
newest first and paged by keyset (the last row's time and id, signed into an
opaque cursor): no OFFSET and no exact count, so a page deep in tens of millions of
rows costs what the first one does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit import chain
from audit.access import (
    events_visible_to,
    export_jobs_visible_to,
    may_review_trail,
    may_see_whole_trail,
    staff_visible_to,
    trail_clients_visible_to,
    trail_conversations_visible_to,
    verification_jobs_visible_to,
)
from audit.catalogue import Action, Result
from audit.models import (
    AuditAnchor,
    AuditCheckpoint,
    AuditEvent,
    AuditLink,
    ExportJob,
    VerificationJob,
)
from conversations.models import Client
from uwvrec.moments import moment_shown

PAGE_SIZE = 50
NEWEST_FIRST = ("-occurred_at", "-id")
_CURSOR_SALT = "audit.trail.cursor"


@dataclass(frozen=True)
class TrailFilters:
    """What a reviewer narrowed the trail down to; every field is optional.

    Each field has a small function in ``_FILTERS`` that applies it along an index
    of ``audit_auditevent``. A conversation is picked as an object (``object_type``
    and ``object_id``); a client by the pseudonymous ``client_ref``, which the BSN
    posted in a form is turned into, never a BSN in a URL.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor_id: int | None = None
    action: str = ""
    result: str = ""
    object_type: str = ""
    object_id: str = ""
    client_ref: str = ""
    # Reading the trail is recorded too; those records are shown only when asked.
    include_reads: bool = False

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


def audit_events_for(
    *, user: User, filters: TrailFilters | None = None
) -> QuerySet[AuditEvent]:
    """Return the events ``user`` may see, filtered, newest first.

    Raises PermissionDenied for a user who may see none (employees, admins).
    """
    if not may_review_trail(user):
        raise PermissionDenied
    events = events_visible_to(user)
    for apply in _FILTERS:
        events = apply(events, filters or TrailFilters())
    return events.order_by(*NEWEST_FIRST)


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


# Looking at the trail itself: recorded every time, shown apart from the rest.
READ_ACTIONS = (Action.TRAIL_VIEWED, Action.EVENT_VIEWED)


def _reads(events: QuerySet[AuditEvent], f: TrailFilters) -> QuerySet[AuditEvent]:
    """Leave out the trail's own successful reads, unless asked for or picked.

    A refused or failed look stays: someone tried to read what they may not.
    """
    if f.include_reads or f.action in READ_ACTIONS:
        return events
    return events.exclude(action__in=READ_ACTIONS, result=Result.SUCCESS)


_FILTERS: tuple[
    Callable[[QuerySet[AuditEvent], TrailFilters], QuerySet[AuditEvent]], ...
] = (_period, _actor, _action, _result, _object, _client, _reads)


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
    if not may_review_trail(user):
        raise PermissionDenied
    return staff_visible_to(user).order_by("last_name", "first_name", "username")


def event_link_for(*, event: AuditEvent) -> AuditLink | None:
    """Return the event's place in the hash chain, or None while not sealed."""
    return AuditLink.objects.filter(event_id=event.id).first()


def latest_anchor() -> AuditAnchor | None:
    """Return the chain head copied out of the database most recently."""
    return AuditAnchor.objects.order_by("-seq", "-id").first()


def latest_checkpoint() -> AuditCheckpoint | None:
    """Return the newest retired month's checkpoint: the chain goes on from it."""
    return AuditCheckpoint.objects.order_by("-last_seq").first()


def export_jobs_for(*, user: User) -> QuerySet[ExportJob]:
    """Return the export jobs ``user`` may follow and download.

    Auditors see every job; a team lead only their own.
    """
    if not may_review_trail(user):
        raise PermissionDenied
    return export_jobs_visible_to(user).select_related("requested_by")


# --- Names of what events are about, as far as the reader may see them ------------

ObjectKey = tuple[str, str]
_CONVERSATION, _CLIENT = "conversations.conversation", "conversations.client"
_TEAM, _USER = "accounts.team", "accounts.user"


def _ids_of(events: list[AuditEvent], object_type: str) -> set[int]:
    return {
        int(event.object_id)
        for event in events
        if event.object_type == object_type and event.object_id.isdigit()
    }


def object_names_for(*, user: User, events: list[AuditEvent]) -> dict[ObjectKey, str]:
    """Return the names of the conversations, clients, teams and staff ``events``
    are about.

    Only those ``user`` may see: a team lead their own team's, an auditor all;
    every team by name.
    One query per kind of object on the page, however many events it shows.
    """
    names: dict[ObjectKey, str] = {}
    if ids := _ids_of(events, _CONVERSATION):
        rows = (
            trail_conversations_visible_to(user)
            .filter(pk__in=ids)
            .values_list("pk", "scheduled_at", "client__display_name")
        )
        for pk, scheduled_at, client_name in rows:
            names[(_CONVERSATION, str(pk))] = conversation_name(
                client_name, scheduled_at
            )
    if ids := _ids_of(events, _CLIENT):
        clients = trail_clients_visible_to(user).filter(pk__in=ids)
        for pk, client_name in clients.values_list("pk", "display_name"):
            names[(_CLIENT, str(pk))] = client_name
    if ids := _ids_of(events, _TEAM):
        # Team names are no secret: every reader may see them.
        for pk, team_name in Team.objects.filter(pk__in=ids).values_list("pk", "name"):
            names[(_TEAM, str(pk))] = team_name
    if ids := _ids_of(events, _USER):
        for staff in staff_visible_to(user).filter(pk__in=ids):
            names[(_USER, str(staff.pk))] = str(staff)
    return names


def conversation_name(client_name: str, scheduled_at: dt.datetime) -> str:
    """Return a conversation as a reader knows it: the client and the time."""
    return _("gesprek met %(client)s, %(moment)s") % {
        "client": client_name,
        "moment": moment_shown(scheduled_at),
    }


def client_named_by_ref(*, user: User, client_ref: str) -> Client | None:
    """Return the client the pseudonym ``client_ref`` stands for, if ``user`` may
    see them.

    The pseudonym spells the start of the client's keyed hash, so the client is
    found through the hash's index, without a BSN.
    """
    if not re.fullmatch(CLIENT_REF, client_ref):
        return None
    prefix = client_ref.removeprefix("klant-").translate(_LETTERS_AS_DIGITS)
    return trail_clients_visible_to(user).filter(bsn_hash__startswith=prefix).first()


CLIENT_REF = r"klant-[a-p]{16}"
# The reverse of conversations.bsn.client_ref_from_hash's spelling.
_LETTERS_AS_DIGITS = str.maketrans("ghijklmnop", "0123456789")


# --- The integrity page ------------------------------------------------------------

ANCHORS_SHOWN = 5


def latest_verification(*, user: User) -> AuditEvent | None:
    """Return the most recent check of the whole trail (none yet: None).

    Its result concerns the whole chain and names nobody, so every reviewer sees
    it, a team lead too.
    """
    if not may_review_trail(user):
        raise PermissionDenied
    checks = AuditEvent.objects.filter(
        action=Action.TRAIL_VERIFIED, result__in=(Result.SUCCESS, Result.FAILED)
    )
    return checks.order_by(*NEWEST_FIRST).first()


def recent_anchors(*, user: User) -> list[AuditAnchor]:
    """Return the chain heads most recently copied out of the database."""
    if not may_review_trail(user):
        raise PermissionDenied
    return list(AuditAnchor.objects.order_by("-seq", "-id")[:ANCHORS_SHOWN])


def verification_jobs_for(*, user: User) -> QuerySet[VerificationJob]:
    """Return the checks asked for that ``user`` may follow: auditors, every one."""
    if not may_see_whole_trail(user):
        raise PermissionDenied
    return verification_jobs_visible_to(user).select_related("requested_by")
