"""The pages of HTTP 500 and 503: Dutch, without a traceback, and without a service.

Django calls ``server_error`` for any exception a view or middleware lets through.
When that exception says PostgreSQL or Redis could not be reached (a restart, a
failover, a network partition), the answer is 503 "tijdelijk niet beschikbaar"
with ``Retry-After``: the person can try again in a moment, and a load balancer
knows to. Anything else is 500. Both pages are rendered without the request's
context, so that rendering them needs neither the database (no user, no session)
nor Redis: the service that just failed.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_AFTER_SECONDS = 30
UNAVAILABLE: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)


def service_unavailable(error: BaseException | None) -> bool:
    """Tell whether ``error``, or an error that caused it, is a service away."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an unhandled exception with 503 when a service is away, else 500."""
    if service_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
