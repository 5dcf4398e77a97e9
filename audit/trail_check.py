"""Check the whole audit trail: positions, links, hashes, and the outside anchors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from audit import chain
from audit.anchor_file import Anchor, Checkpoint
from audit.event_columns import EVENT_COLUMNS, fields_from_row

PROGRESS_EVERY = 2000
# Each link with its event (NULL columns when the event is gone).
_LINKS_WITH_EVENTS = (
    "SELECT l.seq, l.event_id, l.prev_hash, l.hash, l.canonical, "  # noqa: S608
    f"{EVENT_COLUMNS} FROM audit_auditlink l "
    "LEFT JOIN audit_auditevent e "
    "ON e.id = l.event_id AND e.occurred_at = l.event_occurred_at "
    "WHERE l.seq > %s ORDER BY l.seq"
)
_CHECKPOINTS = (
    "SELECT month, first_seq, last_seq, events, last_hash, digest "
    "FROM audit_auditcheckpoint ORDER BY last_seq"
)
_UNCHAINED = """
SELECT e.id FROM audit_auditevent e
WHERE NOT EXISTS (SELECT 1 FROM audit_auditlink l WHERE l.event_id = e.id)
  AND NOT EXISTS (SELECT 1 FROM audit_auditpending p WHERE p.event_id = e.id)
ORDER BY e.id LIMIT 1
"""


@dataclass
class Report:
    """What a verification found: how far it got and the first thing broken."""

    checked: int = 0
    # The newest checkpoint the chain goes on from ("" when nothing was retired).
    checkpoint: str = ""
    head_seq: int = 0
    head_hash: str = chain.GENESIS
    pending: int = 0
    anchors: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.intact:
            since = (
                f" from the checkpoint of {self.checkpoint}" if self.checkpoint else ""
            )
            return (
                f"audit trail intact: {self.checked} events chained{since} up to seq "
                f"{self.head_seq} ({self.head_hash[:16]}…), {self.pending} waiting "
                f"to be chained, {self.anchors} outside anchors match"
            )
        return f"audit trail BROKEN: {self.problems[0]}"


def verify_trail(
    anchors: Iterable[Anchor],
    progress: Callable[[int], None] | None = None,
    checkpoints: Iterable[Checkpoint] = (),
) -> Report:
    """Check every link and event in one pass; stop at the first break.

    The chain is checked from its newest checkpoint on (the months before it were
    retired), after every checkpoint was checked against its outside copy in
    ``checkpoints``. ``progress`` is told how many links were checked, every
    ``PROGRESS_EVERY``.
    """
    anchors = list(anchors)
    report = Report()
    if problem := _check_checkpoints(report, list(checkpoints)):
        report.problems.append(problem)
        return report
    start_seq, start_hash = report.head_seq, report.head_hash
    anchors = [anchor for anchor in anchors if anchor.seq >= start_seq]
    for anchor in anchors:
        if anchor.seq == start_seq and start_seq and anchor.hash != start_hash:
            report.problems.append(
                f"seq {anchor.seq}: the checkpoint differs from its outside anchor"
            )
            return report
    anchors = [anchor for anchor in anchors if anchor.seq > start_seq]
    wanted = {anchor.seq for anchor in anchors}
    seen: dict[int, str] = {}
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(_LINKS_WITH_EVENTS, [start_seq])
        for problem in _walk(_rows(cursor), report, wanted, seen, progress):
            report.problems.append(problem)
            return report
    with connection.cursor() as cursor:
        cursor.execute(_UNCHAINED)
        if row := cursor.fetchone():
            report.problems.append(f"event {row[0]} is missing from the chain")
            return report
        cursor.execute("SELECT count(*) FROM audit_auditpending")
        report.pending = cursor.fetchone()[0]
    report.problems.extend(_check_anchors(anchors, report, seen))
    report.anchors = len(anchors)
    return report


def _check_checkpoints(report: Report, outside: list[Checkpoint]) -> str | None:
    """Check the checkpoints against their outside copies and each other.

    They must cover the chain from seq 1 without a gap, each exactly as copied out,
    and none copied out may be missing. On success the report starts at the
    newest (its last position and hash).
    """
    copies = {copy.last_seq: copy for copy in outside}
    expected_first = 1
    with connection.cursor() as cursor:
        cursor.execute(_CHECKPOINTS)
        rows = cursor.fetchall()
    for month, first_seq, last_seq, events, last_hash, digest in rows:
        stored = Checkpoint(
            month.isoformat(), first_seq, last_seq, events, last_hash, digest
        )
        name = f"the checkpoint of {stored.month}"
        if first_seq != expected_first:
            return (
                f"{name} starts at seq {first_seq}, not at seq {expected_first}: "
                "retired events are not accounted for"
            )
        copy = copies.pop(last_seq, None)
        if copy is None:
            return f"{name} has no outside copy"
        if copy != stored:
            return f"{name} differs from its outside copy (rewritten)"
        expected_first = last_seq + 1
        report.head_seq, report.head_hash = last_seq, last_hash
        report.checkpoint = stored.month[:7]
    if copies:
        lost = min(copies.values(), key=lambda copy: copy.last_seq)
        return (
            f"the checkpoint of {lost.month} was copied out but is missing from the "
            "database"
        )
    return None


def _rows(cursor: Any) -> Iterator[tuple[Any, ...]]:
    while rows := cursor.fetchmany(2000):
        yield from rows


def _walk(
    rows: Iterable[tuple[Any, ...]], report: Report, wanted: set[int],
    seen: dict[int, str], progress: Callable[[int], None] | None = None,
) -> Iterator[str]:  # fmt: skip
    prev = report.head_hash
    for row in rows:
        seq, link_hash = row[0], row[3]
        if problem := _check_link(row, report.head_seq + 1, prev):
            yield problem
            return
        prev = link_hash
        report.checked += 1
        report.head_seq, report.head_hash = seq, link_hash
        if seq in wanted:
            seen[seq] = link_hash
        if progress is not None and report.checked % PROGRESS_EVERY == 0:
            progress(report.checked)


def _check_link(row: tuple[Any, ...], expected_seq: int, prev: str) -> str | None:
    seq, event_id, prev_hash, link_hash, stored = row[:5]
    where = f"seq {seq} (event {event_id})"
    if seq != expected_seq:
        return f"seq {expected_seq} is missing: the chain jumps to seq {seq}"
    if prev_hash != prev:
        return f"{where}: does not link to the event before it"
    if row[5] is None:
        return f"{where}: the event itself is missing"
    stored = bytes(stored)
    if chain.digest(stored) != link_hash:
        return f"{where}: the link's hash does not match its bytes"
    if chain.canonical(fields_from_row(row[5:]), seq=seq, prev=prev_hash) != stored:
        return f"{where}: the event differs from what was chained"
    return None


def _check_anchors(
    anchors: list[Anchor], report: Report, seen: dict[int, str]
) -> Iterator[str]:
    for anchor in anchors:
        if anchor.seq > report.head_seq:
            yield (
                f"seq {anchor.seq} was anchored but the chain ends at seq "
                f"{report.head_seq}: events were cut off"
            )
        elif seen.get(anchor.seq) != anchor.hash:
            yield f"seq {anchor.seq}: differs from its outside anchor (rewritten)"
