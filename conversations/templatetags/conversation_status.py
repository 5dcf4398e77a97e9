"""The status of a conversation as an employee reads it (``status_shown``)."""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from conversations.models import Conversation
from conversations.presentation import status_shown

register = template.Library()


@register.simple_tag
def conversation_status(conversation: Conversation, today: datetime.date) -> SafeString:
    """Render the status in words, with a class per status (never colour alone)."""
    shown = status_shown(conversation, today=today)
    return format_html(
        '<span class="status status-{}">{}</span>',
        shown.code,
        shown.label,
    )
