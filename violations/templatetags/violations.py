"""The flag banner at the top of every conversation and checklist page."""

from __future__ import annotations

from typing import Any

from django import template

from violations.selectors import client_flag
from violations.services import flag_view_record

register = template.Library()


@register.inclusion_tag("violations/_flag_banner.html", takes_context=True)
def flag_banner(context: dict[str, Any], client: Any) -> dict[str, Any]:
    """Show the client's flag (date and rule only); showing it is audited."""
    flag = client_flag(client)
    request = context.get("request")
    if flag is not None and request is not None:
        flag_view_record(
            actor=request.user,
            client=client,
            flag=flag,
            page=(request.resolver_match and request.resolver_match.view_name) or "",
        )
    return {"flag": flag}
