"""Reads that may lag a little, from the PostgreSQL replica (``DATABASE_REPLICA_URL``).

Only an explicit scope reads there: ``reads_from_replica(request)`` around the code,
or ``ReplicaReadsMixin`` on a read-only view. Inside it the router
(``uwvrec.db.routers``) sends reads to the alias ``replica``, unless

- there is no replica (the alias is absent),
- the user's session changed something less than
  ``DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS`` ago (``ReadYourWritesMiddleware``),
- or the replica was unreachable, or further behind than
  ``DATABASE_REPLICA_MAX_LAG_SECONDS``, when last measured (at most once per
  ``DATABASE_REPLICA_CHECK_SECONDS`` in a process).

Then the primary answers. Writes always go to the primary. See
docs/adr/0009-read-replica.md.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import structlog
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse

logger = structlog.get_logger(__name__)

REPLICA = "replica"
WROTE_AT_SESSION_KEY = "uwvrec.db.wrote_at"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_in_scope: ContextVar[bool] = ContextVar("uwvrec_replica_scope", default=False)

# How far the replica is behind: zero when it has replayed all it received while
# streaming (an idle primary sends nothing, so the last replay grows old without
# any lag), otherwise the age of the last transaction it replayed. Not a standby
# (pg_is_in_recovery() false): nothing to lag.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming')
        THEN 0
    ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclasses.dataclass(frozen=True)
class _Verdict:
    at: float
    usable: bool


# A measurement of the replica, not anyone's state: each process measures at most
# once per DATABASE_REPLICA_CHECK_SECONDS, and forgets it when it ends.
_verdicts: dict[str, _Verdict] = {}


def in_replica_scope() -> bool:
    """Tell whether reads may go to the replica here (the router asks).

    Never inside a transaction on the primary: what a service reads there it
    may write on, and it must see its own writes.
    """
    return _in_scope.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block


def replica_configured() -> bool:
    return REPLICA in connections.settings


def forget_replica_verdict() -> None:
    """Measure the replica again at the next scope (after a failure, and in tests)."""
    _verdicts.clear()


def replica_lag_seconds() -> float:
    """Return how many seconds the replica is behind; raise DatabaseError if down."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        row = cursor.fetchone()
    return float(row[0])


def _measure() -> bool:
    try:
        lag = replica_lag_seconds()
    except DatabaseError as error:
        logger.warning("replica_unreachable", error=str(error))
        connections[REPLICA].close()
        return False
    if lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
        logger.warning("replica_lagging", lag_seconds=round(lag, 1))
        return False
    return True


def replica_usable() -> bool:
    """Tell whether the replica answered and was close enough when last measured."""
    now = time.monotonic()
    verdict = _verdicts.get(REPLICA)
    if verdict is None or now - verdict.at >= settings.DATABASE_REPLICA_CHECK_SECONDS:
        verdict = _verdicts[REPLICA] = _Verdict(at=now, usable=_measure())
    return verdict.usable


def wrote_recently(request: HttpRequest) -> bool:
    """Tell whether this session changed something within the read-after-write time."""
    wrote_at = request.session.get(WROTE_AT_SESSION_KEY)
    window = settings.DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS
    return wrote_at is not None and time.time() - float(wrote_at) < window


@contextmanager
def reads_from_replica(request: HttpRequest | None = None) -> Iterator[bool]:
    """Read from the replica inside, when it may; yield whether it does.

    Use it only around reads that may miss the last few seconds of changes. With
    a ``request``, a user who just changed something reads the primary.
    """
    usable = (
        replica_configured()
        and not (request is not None and wrote_recently(request))
        and replica_usable()
    )
    token = _in_scope.set(usable)
    try:
        yield usable
    finally:
        _in_scope.reset(token)


def _replica_answers() -> bool:
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError:
        return False
    return True


class ReplicaReadsMixin:
    """Answer a read-only view from the replica when it may, else from the primary.

    The page is rendered inside the scope too. If the replica stops answering
    halfway, the failure is logged and the view answers again from the primary:
    such a view reads everything before it records its audit event, which goes
    to the primary like every write.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        parent: Callable[..., HttpResponse] = super().dispatch  # type: ignore[misc]
        with reads_from_replica(request) as on_replica:
            try:
                return _rendered(parent(request, *args, **kwargs))
            except DatabaseError as error:
                if not on_replica or _replica_answers():
                    raise
                logger.warning("replica_failed_during_request", error=str(error))
                connections[REPLICA].close()
        _verdicts[REPLICA] = _Verdict(at=time.monotonic(), usable=False)
        return parent(request, *args, **kwargs)


def _rendered(response: HttpResponse) -> HttpResponse:
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.render()
    return response


class ReadYourWritesMiddleware:
    """Note in the session when a user's request may have changed something.

    Any request but GET, HEAD, OPTIONS and TRACE counts, unless its view says
    that its posts change nothing (``posts_change_nothing = True``, as the audit
    trail's filter form). For ``DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS`` after
    it, the user's reads stay on the primary. Placed after SessionMiddleware, so
    that the session is saved with the note.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _may_have_written(request) and replica_configured():
            request.session[WROTE_AT_SESSION_KEY] = time.time()
        return response


def _may_have_written(request: HttpRequest) -> bool:
    if request.method in SAFE_METHODS:
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    match = request.resolver_match
    view_class = getattr(match.func, "view_class", None) if match else None
    return not getattr(view_class, "posts_change_nothing", False)
