"""What every page's header needs: the sections the user may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from uwvrec.navigation import sections_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Give templates ``navigation``: the menu, worked out when a page shows it."""

    def menu() -> list[Any]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return sections_for(user=user, match=request.resolver_match)

    return {"navigation": SimpleLazyObject(menu)}
