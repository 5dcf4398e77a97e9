"""Helpers for the review tests: events at a chosen time, for a chosen actor."""

import datetime as dt
import zoneinfo
from typing import Any

from django.urls import reverse

from audit.catalogue import Action, Origin, Result
from audit.models import AuditEvent

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
TRAIL = reverse("audit:trail")


def filtered_url(client: Any, filters: dict[str, Any]) -> str:
    """Post ``filters`` as the filter form does; return the filtered list's URL."""
    response = client.post(TRAIL, filters)
    assert response.status_code == 303, response.status_code
    return str(response["Location"])


def filtered(client: Any, filters: dict[str, Any], **kwargs: Any) -> Any:
    """Post ``filters`` as the filter form does and return the filtered list."""
    return client.get(filtered_url(client, filters), **kwargs)


def add_event(actor: Any = None, **fields: Any) -> AuditEvent:
    """Insert an event as ``actor`` (a user, or None), with ``fields`` as given."""
    if actor is not None:
        fields = {
            "actor_id": actor.pk,
            "actor_username": actor.username,
            "actor_name": actor.get_full_name(),
            "team_id": actor.team_id,
            "team_name": actor.team.name if actor.team else "",
            **fields,
        }
    fields.setdefault("action", Action.LOGGED_IN)
    fields.setdefault("result", Result.SUCCESS)
    fields.setdefault("origin", Origin.WEB)
    event = AuditEvent.objects.create(**fields)
    return AuditEvent.objects.get(pk=event.pk)


def at(*parts: int) -> dt.datetime:
    """Return a time in Amsterdam: ``at(2026, 3, 29, 2, 30)``."""
    return dt.datetime(*parts, tzinfo=AMSTERDAM)
