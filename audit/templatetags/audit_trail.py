"""Filters that put an audit event into words on the review pages."""

from collections.abc import Mapping

from django import template

from audit import presentation
from audit.models import AuditEvent

register = template.Library()


@register.filter
def object_label(event: AuditEvent, names: Mapping[tuple[str, str], str]) -> str:
    """``{{ event|object_label:names }}``: "Team 12", or a conversation by name."""
    return presentation.object_label(event, names or {})


@register.filter
def role_labels(roles: str) -> str:
    """``{{ event.actor_role|role_labels }}``: "teamleider"."""
    return presentation.role_labels(roles)


@register.filter
def found_nothing(event: AuditEvent) -> bool:
    """``{% if event|found_nothing %}``: a search that found no one."""
    return presentation.found_nothing(event)
