"""Idle sessions expire; an htmx request that must log in gets the whole login page;
a privileged session passes its second factor first."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts.second_factor import (
    needs_second_factor,
    passkeys_offered,
    session_is_verified,
)
from accounts.selectors import has_second_factor

TOUCHED = "_idle_touched"


class IdleSessionMiddleware:
    """Renew a logged-in session's expiry at most once a minute.

    The session expires ``SESSION_COOKIE_AGE`` seconds after it was last renewed,
    so a user is logged out after that long without a request, give or take
    ``SESSION_TOUCH_INTERVAL_SECONDS``. Saving the session on every request instead
    (``SESSION_SAVE_EVERY_REQUEST``) costs a database write per page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(TOUCHED, 0) >= settings.SESSION_TOUCH_INTERVAL_SECONDS:
                session[TOUCHED] = now  # marks it modified: saved with a new expiry
        return response


class HtmxLoginRedirectMiddleware:
    """Send an htmx request that must log in first to that page, as a page.

    The login page, and the second factor's steps (``SecondFactorMiddleware``):
    a plain redirect would be followed by htmx itself, and the page would land
    inside the fragment being swapped (a session that expired while a page was
    open). ``HX-Redirect`` makes the browser load the page instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and response.status_code == 302
            and urlsplit(response["Location"]).path in _whole_pages()
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response


def _whole_pages() -> set[str]:
    return {resolve_url(settings.LOGIN_URL), reverse(VERIFY), reverse(SETUP)}


# What an unverified session of a privileged user may open: the way out, the
# language switch and the health check, besides the pages of its second factor.
OPEN_VIEWS = frozenset({"accounts:logout", "set_language", "health"})
VERIFY = "accounts:second_factor_verify"
SETUP = "accounts:second_factor_setup"
# The pages of each step: entering a code (or using a passkey, with the texts of
# its script), or setting up an app (and its QR code).
STEP_VIEWS = {
    VERIFY: frozenset(
        {
            VERIFY,
            "accounts:passkey_verify_begin",
            "accounts:passkey_verify_complete",
            "accounts:passkey_catalog",
        }
    ),
    SETUP: frozenset({SETUP, "accounts:second_factor_qr"}),
}


class SecondFactorMiddleware:
    """Send a privileged user whose session is not verified to its second factor.

    After a password login, a team lead, auditor, admin or superuser reaches only
    the step they are at: entering a code (they have an app or recovery codes) or
    setting up an app (they have neither), and logging out. Every other page
    redirects there, with ``next`` so that they land where they were going; an
    htmx request gets ``HX-Redirect``, so the step is a page of its own, never a
    fragment inside another. Goes after ``LoginRequiredMiddleware`` (anonymous
    users log in first) and django-otp's ``OTPMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if not needs_second_factor(request.user) or session_is_verified(request):
            return None
        can_pass = has_second_factor(
            request.user,  # type: ignore[arg-type]
            passkeys=passkeys_offered(request),
        )
        step = VERIFY if can_pass else SETUP
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in OPEN_VIEWS or view_name in STEP_VIEWS[step]:
            return None
        return _to_step(request, step)


def _to_step(request: HttpRequest, step: str) -> HttpResponse:
    """Redirect to ``step``, to come back to the page asked for (or shown) after."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        # The fragment's own URL is no page to come back to: the page around it is.
        back = htmx.current_url_abs_path or ""
    else:
        back = request.get_full_path() if request.method in ("GET", "HEAD") else ""
    url = reverse(step)
    if back:
        url += "?" + urlencode({"next": back})
    # An htmx request gets HX-Redirect from HtmxLoginRedirectMiddleware.
    return HttpResponseRedirect(url)
