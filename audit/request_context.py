"""Where an audited action comes from: the request, a task, or the command line.

The middleware makes each request's address, browser and request id current; the
task receivers (``audit.receivers``) do the same for a Celery task. ``audit_record``
reads it for every event.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from audit.catalogue import Origin


@dataclass(frozen=True)
class AuditContext:
    """The origin of what is being done now."""

    origin: str = Origin.COMMAND
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""


_DEFAULT = AuditContext()
_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current() -> AuditContext:
    """Return the context of the code running now."""
    return _current.get() or _DEFAULT


def enter(context: AuditContext) -> Token[AuditContext | None]:
    """Make ``context`` current until ``leave`` is called with the token."""
    return _current.set(context)


def leave(token: Token[AuditContext | None]) -> None:
    _current.reset(token)


@contextmanager
def bound(context: AuditContext) -> Iterator[None]:
    """Run the body with ``context`` as the current audit context."""
    token = enter(context)
    try:
        yield
    finally:
        leave(token)


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, trusting only the configured proxies.

    Each of the ``TRUSTED_PROXY_COUNT`` proxies appends the address it was reached
    from to X-Forwarded-For, so the client is that many places from the right;
    anything further left was written by the client and is not believed. No other
    header is read (see docs/adr/0005-client-address-from-trusted-proxies.md).
    """
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return request.META.get("REMOTE_ADDR") or None
    hops = [
        hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")
    ]
    if len(hops) < count:
        return None
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return None


def web_context(request: HttpRequest) -> AuditContext:
    """Return the audit context of a web request."""
    request_id = structlog.contextvars.get_contextvars().get("request_id", "")
    return AuditContext(
        origin=Origin.WEB,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", "")[:256],
        request_id=str(request_id)[:64],
    )


class AuditContextMiddleware:
    """Make each request's origin (address, browser, request id) the audit context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with bound(web_context(request)):
            return self.get_response(request)


def task_context(task_id: str) -> AuditContext:
    """Return the audit context of a Celery task."""
    return AuditContext(origin=Origin.TASK, request_id=task_id[:64])
