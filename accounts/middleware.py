"""Idle sessions expire, without a database write on every request; an htmx
request of an expired session is sent to the login page as a whole."""

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

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
    """Send an htmx request that must log in first to the login page, as a page.

    A plain redirect would be followed by htmx itself, and the login page would
    land inside the fragment being swapped (a session that expired while a page
    was open). ``HX-Redirect`` makes the browser load the login page instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and response.status_code == 302
            and urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response
