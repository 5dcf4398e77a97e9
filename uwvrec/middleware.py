"""Keep every page out of caches; refuse NUL in query strings and forged sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

_SESSION_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class NoStoreMiddleware:
    """Send ``Cache-Control: no-store, private`` (Django's ``never_cache``) always.

    Nearly every page shows personal data (a client's name, a masked BSN, a
    decision, the user's own name in the header), and a page added later must not
    be cached because someone forgot a decorator: so it is the rule for every
    response, htmx fragments, redirects, error pages and the login page included.
    The few pages without personal data (the rule texts) are cheap to serve
    again. Static files are served by whitenoise before this middleware and keep
    their long cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class RefuseNulMiddleware:
    """Answer 400 to a request whose query string holds a NUL character.

    PostgreSQL cannot store or compare text with NUL in it, so such a value can
    never be valid: the admin site's list filters and search would hand it to the
    database and fail with a 500. Form fields refuse NUL themselves, with a message
    beside the field (Django's ``ProhibitNullCharactersValidator``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or "\x00" in value for key, value in _pairs(request)):
            raise BadRequest("a NUL character in the query string")
        return self.get_response(request)


def _pairs(request: HttpRequest) -> Iterator[tuple[str, str]]:
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


class ForgedSessionCookieMiddleware:
    """Forget a session cookie that Django could not have made, before it is read.

    The session is looked up in PostgreSQL, which refuses text holding a NUL
    character: a forged cookie with one (Django decodes a quoted cookie's octal
    escapes) would fail every page with a 500, the login page included. A key of
    other characters than Django's own is dropped, so the visitor simply has no
    session. Goes right before ``SessionMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and not _SESSION_KEY_CHARS.issuperset(key):
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)
