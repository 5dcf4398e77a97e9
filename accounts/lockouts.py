"""Brute-force protection with django-axes, storing no text that was typed.

Axes counts failed logins per username and per client address and refuses logins
while either count is at the limit (``LOGIN_FAILURE_LIMIT``). It stores what it
counts by: here that is the username of an existing account, or else a keyed hash
of the typed text (``login_ref``), so a password or a client's BSN typed into the
username box never reaches a table. The lock and its lifting are audited.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Model, QuerySet, Sum
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from accounts.models import User
from audit.catalogue import Result
from audit.payloads import LOCKED_OUT, LOCKOUT_LIFTED, LockedWhat
from audit.services.record import audit_record

# Letters only: a reference must never look like a number (a BSN) in the trail.
_LETTERS = "abcdefghijklmnop"
_REF_PREFIX = "onbekend-"


def login_ref(typed: str) -> str:
    """Return a keyed hash of a typed username that names no account.

    The same text gives the same reference, so repeated tries can be correlated,
    while the text itself cannot be read back. Keyed with ``SECRET_KEY``.
    """
    digest = salted_hmac("uwvrec.accounts.login_ref", typed, algorithm="sha256")
    letters = "".join(
        _LETTERS[byte >> 4] + _LETTERS[byte & 15] for byte in digest.digest()[:8]
    )
    return _REF_PREFIX + letters


def account_named(typed: str | None) -> User | None:
    """Return the account whose username is exactly ``typed``, if there is one."""
    if not typed or "\x00" in typed or len(typed) > 150:
        return None
    return User._default_manager.filter(username=typed).first()


def stored_username(typed: str | None) -> str | None:
    """Return what axes stores and counts for a typed username."""
    if typed is None:
        return None
    account = account_named(typed)
    return account.username if account is not None else login_ref(typed)


def attempt_username(request: HttpRequest | None, credentials: Any = None) -> Any:
    """Return the username axes records for a login attempt.

    This is ``AXES_USERNAME_CALLABLE``. Axes asks several times per attempt; the
    answer is kept on the request.
    """
    field = User.USERNAME_FIELD
    if credentials:
        typed = credentials.get(field)
    else:
        typed = getattr(request, "POST", {}).get(field)
    if typed is not None:
        typed = str(typed)
    known: dict[str | None, str | None] = getattr(request, "axes_stored_names", {})
    if typed not in known:
        known[typed] = stored_username(typed)
        if request is not None:
            request.axes_stored_names = known  # type: ignore[attr-defined]
    return known[typed]


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Return the page shown instead of a login while it is locked (HTTP 429)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(
        request,
        "registration/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@receiver(pre_save, sender=AccessAttempt)
def keep_no_request_data(sender: Any, instance: AccessAttempt, **kwargs: Any) -> None:
    """Keep no copy of the login's query string and form in an attempt.

    Axes copies them in (username and password masked); any other field typed or
    put in a link could hold a BSN, and nothing here reads them.
    """
    instance.get_data = ""
    instance.post_data = ""


def _failures(since: Any, **scope: Any) -> int:
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since, **scope)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


@receiver(user_locked_out)
def record_lockout(
    sender: Any,
    request: HttpRequest,
    username: str | None,
    ip_address: str | None,
    **kwargs: Any,
) -> None:
    """Record a lock when an attempt brings a count to the limit.

    Axes signals every refused attempt while locked, too; a count past the limit
    belongs to a lock already recorded.
    """
    since = get_cool_off_threshold(request)
    limit = settings.AXES_FAILURE_LIMIT
    if username is not None and _failures(since, username=username) == limit:
        _record(None, "username", username, failures=limit)
    if ip_address is not None and _failures(since, ip_address=ip_address) == limit:
        _record(None, "ip", ip_address, failures=limit)


def locks_in_force(since: Any) -> set[tuple[str, str]]:
    """Return each (scope, value) locked now: a count at or over the limit."""
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since)
    locks: set[tuple[str, str]] = set()
    for scope, column in (("username", "username"), ("ip", "ip_address")):
        counts = (
            attempts.exclude(**{column: None})
            .values(column)
            .annotate(n=Sum("failures_since_start"))
            .filter(n__gte=settings.AXES_FAILURE_LIMIT)
        )
        locks |= {(scope, row[column]) for row in counts}
    return locks


def record_lifted(actor: User | None, lifted: set[tuple[str, str]]) -> None:
    """Record each lock that was lifted."""
    for scope, value in sorted(lifted):
        _record(actor, scope, value)


def _record(
    actor: User | None, scope: str, value: str, failures: int | None = None
) -> None:
    """Record a lock (``failures``: the count that made it) or its lifting."""
    obj: Model | None = None
    where: LockedWhat = {}
    if scope == "username":
        obj = account_named(value)
        if obj is None:
            where["login_ref"] = value
    else:
        where["ip_address"] = value
    if failures is None:
        event = LOCKOUT_LIFTED({"scope": scope, **where})
    else:
        event = LOCKED_OUT({"scope": scope, "failures": failures, **where})
    audit_record(
        actor=actor,
        event=event,
        obj=obj,
        result=Result.SUCCESS if failures is None else Result.DENIED,
    )


def attempts_matching(
    *, username: str | None = None, ip_address: str | None = None
) -> QuerySet[AccessAttempt]:
    """Return the attempts of a typed username and/or a client address."""
    attempts = AccessAttempt.objects.all()
    if username is not None:
        attempts = attempts.filter(username=stored_username(username))
    if ip_address is not None:
        attempts = attempts.filter(ip_address=ip_address)
    return attempts
