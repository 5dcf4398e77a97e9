"""What every page's header needs: the sections the user may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.second_factor import needs_second_factor, session_is_verified
from uwvrec.navigation import sections_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Give templates ``navigation``: the menu, worked out when a page shows it.

    A session still to pass its second factor gets no menu: every section would
    send it back to that step.
    """

    def menu() -> list[Any]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        if needs_second_factor(user) and not session_is_verified(request):
            return []
        return sections_for(user=user, match=request.resolver_match)

    return {"navigation": SimpleLazyObject(menu)}
