"""The one way to write the audit trail: an event, several at once, or a refusal."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Required, TypedDict

from django.db import transaction
from django.db.models import Model
from stdnum.nl import bsn

from audit import request_context
from audit.catalogue import Action, Result
from audit.models import AuditEvent
from audit.payloads import Event

if TYPE_CHECKING:
    from accounts.models import User

_NUMBERS = re.compile(r"(?<!\d)\d{8,9}(?!\d)")


class PersonalDataInPayloadError(ValueError):
    """An audit payload held something that may be personal data of a client."""


class Listed(TypedDict, total=False):
    """One event of ``audit_record_many``: what ``audit_record`` takes but the actor."""

    event: Required[Event]
    obj: Model | None
    object_type: str
    object_id: str
    client_ref: str
    result: Result
    changes: Mapping[str, Any] | None


def audit_record(
    *,
    actor: User | None,
    event: Event,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    client_ref: str = "",
    result: Result = Result.SUCCESS,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record an event in the current transaction: it commits with the change.

    ``event`` is the action with its payload, made by the action's binding in
    ``audit.payloads`` (``DECISION_RECORDED({...})``), which mypy checks.
    """
    fields = _event_fields(
        event=event,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        client_ref=client_ref,
        result=result,
        changes=changes,
    )
    return AuditEvent.objects.create(**_actor_snapshot(actor), **fields)


def audit_record_many(
    *, actor: User | None, events: Iterable[Listed]
) -> list[AuditEvent]:
    """Record several events by ``actor`` in one INSERT statement.

    Each of ``events`` holds what ``audit_record`` takes besides the actor
    (``event``, ``obj``, ``client_ref``, ...). The events are the ones
    ``audit_record`` would make one by one, in the same order: the queue's trigger
    takes each row, and the sealer chains them in the order of their ids.
    """
    fields = [_event_fields(**event) for event in events]
    if not fields:
        return []
    snapshot = _actor_snapshot(actor)
    return AuditEvent.objects.bulk_create(
        [AuditEvent(**snapshot, **row) for row in fields]
    )


def _event_fields(
    *,
    event: Event,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    client_ref: str = "",
    result: Result = Result.SUCCESS,
    changes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return an event's columns but the actor's, its payload screened."""
    action = Action(event.action)  # only actions from the catalogue
    changes, data = dict(changes or {}), dict(event.data)
    # Both are screened for anything like a BSN: ``data`` is free-form, and
    # ``changes`` carry field values, free text (a place, a name) among them.
    _refuse_personal_data(changes, data, {"client_ref": client_ref})
    if obj is not None:
        # A proxy the admin shows (a role's group) is its model in the trail.
        model = obj._meta.concrete_model or type(obj)
        object_type = object_type or model._meta.label_lower
        object_id = object_id or str(obj.pk)
    origin = request_context.current()
    return {
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "client_ref": client_ref,
        "result": result,
        "changes": changes,
        "data": data,
        "ip": origin.ip,
        "user_agent": origin.user_agent,
        "request_id": origin.request_id,
        "origin": origin.origin,
    }


def audit_record_refusal(
    *,
    actor: User | None,
    event: Event,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    client_ref: str = "",
    result: Result = Result.DENIED,
) -> AuditEvent:
    """Record a refused or failed attempt in a transaction of its own.

    Call it after the attempt's own transaction has rolled back, so that the record
    of the attempt is not rolled back with it. ``event`` is usually the binding's
    ``denied()`` or ``refused({...})``.
    """
    with transaction.atomic():
        return audit_record(
            actor=actor,
            event=event,
            obj=obj,
            object_type=object_type,
            object_id=object_id,
            client_ref=client_ref,
            result=result,
        )


def _actor_snapshot(actor: User | None) -> dict[str, Any]:
    if actor is None or not actor.is_authenticated:
        return {}
    team = actor.team
    return {
        "actor_id": actor.pk,
        "actor_username": actor.username,
        "actor_name": actor.get_full_name(),
        "actor_role": ",".join(sorted(role.value for role in actor.roles)),
        "team_id": team.pk if team else None,
        "team_name": team.name if team else "",
    }


def personal_data_in(*payloads: Any) -> bool:
    """Tell whether any text in ``payloads`` holds a number that could be a BSN.

    Only text is screened: a BSN that leaks does so as text (a form field, a note),
    while numbers in payloads are counts and ids, and one of those passes the
    eleven-test by chance once in eleven times.
    """
    return any(
        bsn.is_valid(number)
        for text in _texts(payloads)
        for number in _NUMBERS.findall(text)
    )


def _refuse_personal_data(*payloads: Mapping[str, Any]) -> None:
    """Refuse text holding a number that passes the BSN eleven-test."""
    if personal_data_in(*payloads):
        raise PersonalDataInPayloadError(
            "an audit payload may not hold a number that could be a BSN"
        )


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _texts(item)
