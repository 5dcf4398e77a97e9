"""What a conversation's pages show of its client's violations; reads only."""

from __future__ import annotations

from typing import Any

from django import template

from conversations.models import Conversation, Decision
from violations.models import BrokenRule
from violations.selectors import rule_to_report_for

register = template.Library()


@register.simple_tag(takes_context=True)
def rule_to_report(
    context: dict[str, Any], conversation: Conversation, decisions: list[Decision]
) -> str:
    """Return the rule the client broke, for the offer to report it, or "".

    Scoped to the request's user: only who may report on the conversation is
    offered to. ``{% rule_to_report conversation decisions as rule_broken %}``.
    """
    return rule_to_report_for(
        user=context["request"].user, conversation=conversation, decisions=decisions
    )


@register.filter
def broken_rule_label(rule: str) -> str:
    """Return the words for a rule a client broke (a ``BrokenRule`` value)."""
    return str(BrokenRule(rule).label)
