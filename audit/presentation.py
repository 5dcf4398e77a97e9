"""An audit event in words: its object, the roles, and what changed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.roles import Role
from audit import wording
from audit.catalogue import Action
from audit.models import AuditEvent


@dataclass(frozen=True)
class Change:
    """One field's change: its label and values in words, or that it is hidden."""

    label: str
    before: str = ""
    after: str = ""
    hidden: bool = False


def _model(object_type: str) -> type[Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_label(event: AuditEvent, names: Mapping[tuple[str, str], str]) -> str:
    """Return what the event was done to (empty when nothing).

    By name where ``names`` (``audit.selectors.object_names_for``) holds one, as
    "Gesprek met Anna de Jong, 1 december 2026, 09:00"; else as "Team 12".
    """
    if not event.object_type:
        return ""
    if known := names.get((event.object_type, event.object_id)):
        return capfirst(known)
    model = _model(event.object_type)
    name = capfirst(model._meta.verbose_name) if model else event.object_type
    return f"{name} {event.object_id}".strip()


def role_labels(roles: str) -> str:
    """Return the comma-separated role values of an event as their labels."""
    labels = {role.value: str(role.label) for role in Role}
    return ", ".join(labels.get(value, value) for value in roles.split(",") if value)


def describe_changes(event: AuditEvent) -> list[Change]:
    """Return each changed field of ``event``, labelled as its form shows it."""
    model = _model(event.object_type)
    changes = []
    for name, change in sorted((event.changes or {}).items()):
        field = _field(model, name)
        label = _label(field, name)
        if not isinstance(change, dict) or change.get("hidden"):
            changes.append(Change(label=label, hidden=True))
            continue
        before = _words(field, change.get("before"))
        changes.append(Change(label, before, _words(field, change.get("after"))))
    return changes


def _field(model: type[Model] | None, name: str) -> Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, Field) else None


def _label(field: Field | None, name: str) -> str:
    if field is not None:
        return capfirst(str(field.verbose_name))
    if "password" in name:
        return _("Wachtwoord")
    return name


def _words(field: Field | None, value: Any) -> str:
    """Return a stored value as a reader sees it: choices by their label."""
    if value is None or value == "" or value == []:
        return _("(leeg)")
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def data_items(event: AuditEvent) -> list[tuple[str, str]]:
    """Return the event's payload as (label, value in words) pairs, by label."""
    return wording.payload_in_words(event.action, event.data)


def found_nothing(event: AuditEvent) -> bool:
    """Return whether ``event`` is a search by BSN that found no client.

    Not a failure, whatever result it was recorded with: before December 2026
    such a search was recorded as ``failed``.
    """
    return event.action == Action.CLIENT_SEARCHED and event.data.get("found") is False
