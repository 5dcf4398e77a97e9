"""Keep every page out of browser and proxy caches; refuse NUL in query strings."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
