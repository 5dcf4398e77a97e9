"""The sealer: committed events chained, in id order, one sealer at a time."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from audit import chain
from audit.event_columns import EVENT_COLUMNS, fields_from_row

SEAL_LOCK = 0x75777672  # "uwvr": one sealer at a time, across all processes


def audit_seal(*, batch: int = 5000) -> int:
    """Chain committed events that are not chained yet; return how many were.

    One sealer runs at a time (an advisory lock); events are chained in the order
    of their ids, each link hashing its position, the previous link's hash and the
    event. Appending never waits for the chain (see docs/adr/0002-audit-trail.md).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(_PENDING, [batch])
        pending = cursor.fetchall()
        if not pending:
            return 0
        cursor.execute(_HEAD)
        head = cursor.fetchone() or (0, chain.GENESIS)
        links = _links(cursor, pending, head)
        cursor.execute(_APPEND, [list(column) for column in zip(*links, strict=True)])
        cursor.execute(_DEQUEUE, [[link[1] for link in links]])
    return len(links)


_PENDING = (
    "SELECT event_id, occurred_at FROM audit_auditpending ORDER BY event_id LIMIT %s"
)
_HEAD = "SELECT seq, hash FROM audit_auditlink ORDER BY seq DESC LIMIT 1"
_EVENTS = (
    f"SELECT {EVENT_COLUMNS} FROM audit_auditevent e "  # noqa: S608 - constant columns
    "WHERE e.id = ANY(%s) AND e.occurred_at BETWEEN %s AND %s ORDER BY e.id"
)
# The event's time comes from the queue, in the database's own type.
_APPEND = """
INSERT INTO audit_auditlink (seq, event_id, event_occurred_at, prev_hash, hash,
    canonical)
SELECT link.seq, link.event_id, p.occurred_at, link.prev_hash, link.hash,
    link.canonical
FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::bytea[])
    AS link(seq, event_id, prev_hash, hash, canonical)
JOIN audit_auditpending p ON p.event_id = link.event_id
"""
# The app's role may not delete from the queue; this function of the owner removes
# only events that are in the chain (audit migration 0003).
_DEQUEUE = "SELECT audit_dequeue(%s::bigint[])"

Link = tuple[int, int, str, str, bytes]


def _links(
    cursor: Any, pending: list[tuple[int, Any]], head: tuple[int, str]
) -> list[Link]:
    """Return the links for the pending events, in id order, after ``head``."""
    times = [moment for _, moment in pending]
    cursor.execute(_EVENTS, [[id_ for id_, _ in pending], min(times), max(times)])
    seq, prev = head
    links = []
    for row in cursor.fetchall():
        seq += 1
        data = chain.canonical(fields_from_row(row), seq=seq, prev=prev)
        link_hash = chain.digest(data)
        links.append((seq, row[0], prev, link_hash, data))
        prev = link_hash
    return links
