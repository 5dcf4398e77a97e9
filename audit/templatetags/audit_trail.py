"""Filters that put an audit event into words on the review pages."""

from django import template

from audit import presentation
from audit.models import AuditEvent

register = template.Library()


@register.filter
def object_label(event: AuditEvent) -> str:
    """``{{ event|object_label }}``: "Team 12"."""
    return presentation.object_label(event)


@register.filter
def role_labels(roles: str) -> str:
    """``{{ event.actor_role|role_labels }}``: "teamleider"."""
    return presentation.role_labels(roles)
