"""Apply the retention schedule: remove what is past its period, batch by batch.

The database decides what is past (``privacy_retention_remove``, privacy migration
0002): this module only asks it for batch after batch, and records each batch in
the audit trail in the batch's own transaction, so that what went is recorded
even when a run stops half-way. A run stopped for any reason is run again: it
finds what is left. Export files and sessions, which are not the database's to
judge, are removed here after their period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditCheckpoint, ExportJob
from audit.payloads import RECORDS_REMOVED, RETENTION_APPLIED
from audit.services.anchor import (
    audit_checkpoints_copy_out,
    checkpoint_copy_out,
)
from audit.services.export import export_path
from audit.services.record import audit_record
from privacy.models import AccessExport
from privacy.schedule import AUDIT_MONTH, EXPORT_FILE, IN_DATABASE, SCHEDULE, SESSION
from privacy.services.access_export import access_export_delete_files

logger = structlog.get_logger(__name__)


@dataclass
class RetentionReport:
    """What a run removed (or, dry, would remove): rows per kind."""

    dry_run: bool
    removed: dict[str, int] = field(default_factory=dict)
    # False when a kind stopped at ``max_batches``: the next run goes on.
    complete: bool = True


def retention_due() -> dict[str, int]:
    """Return, per kind on the schedule, how many the next run would remove."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, due FROM privacy_retention_due()")
        due = {kind: int(count) for kind, count in cursor.fetchall()}
    due[AUDIT_MONTH.code] = 1 if _retirable() else 0
    due[EXPORT_FILE.code] = (
        _expired_export_jobs().count() + _expired_access_exports().count()
    )
    due[SESSION.code] = Session.objects.filter(expire_date__lt=timezone.now()).count()
    return {kind.code: due[kind.code] for kind in SCHEDULE}


def retention_run(
    *,
    dry_run: bool = False,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> RetentionReport:
    """Remove everything past its period (or, with ``dry_run``, count it); audited.

    ``max_batches`` bounds each kind's batches in this run (a run that must end);
    what is left waits for the next.
    """
    batch = batch_size or settings.RETENTION_BATCH_SIZE
    if dry_run:
        report = RetentionReport(dry_run=True, removed=retention_due())
    else:
        report = RetentionReport(dry_run=False)
        # Export files first: a client's access export keeps the client.
        report.removed[EXPORT_FILE.code] = _remove_export_files()
        for kind in IN_DATABASE:
            removed, complete = _remove_kind(kind.code, batch, max_batches)
            report.removed[kind.code] = removed
            report.complete &= complete
        report.removed[AUDIT_MONTH.code] = _retire_audit_months()
        report.removed[SESSION.code] = _remove_sessions()
    audit_record(
        actor=None,
        event=RETENTION_APPLIED(
            {
                "dry_run": report.dry_run,
                "removed": report.removed,
                "complete": report.complete,
            }
        ),
        object_type="retention",
    )
    logger.info(
        "retention run",
        dry_run=report.dry_run,
        removed=report.removed,
        complete=report.complete,
    )
    return report


def _remove_kind(kind: str, batch: int, max_batches: int | None) -> tuple[int, bool]:
    """Remove one kind batch by batch; return the rows of its own table, and done.

    Between batches the run rests ``rest_ratio()`` times as long as the batch took:
    the checklist beside it keeps most of the database's time.
    """
    after: int | None = 0
    rows = batches = 0
    while after is not None:
        if max_batches is not None and batches >= max_batches:
            return rows, False
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT privacy_retention_remove(%s, %s, %s)", [kind, after, batch]
            )
            result: dict[str, Any] = json.loads(cursor.fetchone()[0])
            removed: dict[str, list[int]] = result["removed"]
            if removed:
                audit_record(
                    actor=None,
                    event=RECORDS_REMOVED({"kind": kind, "removed": removed}),
                    object_type="retention",
                )
        rows += removed.get(OWN_TABLE[kind], [0])[0]
        after = result["next"]
        batches += 1
        if after is not None:
            time.sleep((time.monotonic() - started) * rest_ratio())
    return rows, True


# Another session of the app's database running a query: someone is using the app.
# Sessions of other roles show no state to the app's role, and are not counted.
_BUSY_SQL = """
SELECT EXISTS (
    SELECT 1 FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend' AND state = 'active'
)
"""


def database_busy() -> bool:
    """Return whether another session of the database is running a query now."""
    with connection.cursor() as cursor:
        # Within a transaction the activity is read once: read it anew.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(_BUSY_SQL)
        return bool(cursor.fetchone()[0])


# Once a query of another session was seen, the app counts as in use this long: one
# look per batch misses most of the short queries of a light load.
BUSY_FOR_SECONDS = 60.0
_busy_seen_at: list[float] = []


def rest_ratio() -> float:
    """How many times a batch's time the run rests after it: longer while the app
    is in use (``RETENTION_BUSY_REST_RATIO``), so that a run by day keeps out of
    the checklist's way, and a run at night goes at ``RETENTION_REST_RATIO``.

    In use: another session runs a query now, or did at a look in the last
    ``BUSY_FOR_SECONDS``.
    """
    now = time.monotonic()
    if database_busy():
        _busy_seen_at[:] = [now]
    if _busy_seen_at and now - _busy_seen_at[0] < BUSY_FOR_SECONDS:
        return float(settings.RETENTION_BUSY_REST_RATIO)
    return float(settings.RETENTION_REST_RATIO)


# The table whose rows a kind counts (the rest go with them).
OWN_TABLE = {
    "notification": "violations_notification",
    "violation_report": "violations_violationreport",
    "conversation": "conversations_conversation",
    "client": "conversations_client",
}


@dataclass(frozen=True)
class RetirableMonth:
    """The oldest month of the trail, which may be retired now (``audit_retirable``)."""

    month: dt.date
    partition: str
    first_seq: int
    last_seq: int
    events: int
    last_hash: str | None


def _retirable() -> RetirableMonth | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT month, partition, first_seq, last_seq, events, last_hash "
            "FROM audit_retirable()"
        )
        row = cursor.fetchone()
    return RetirableMonth(*row) if row else None


def _retire_audit_months() -> int:
    """Retire, oldest first, every month of the trail past its period; return how many.

    Each behind a checkpoint (what the month's links were, and the hash the chain
    goes on from), copied to the anchor sink after the commit.
    """
    audit_checkpoints_copy_out()
    retired = 0
    while (month := _retirable()) is not None:
        digest = (
            _links_digest(month.first_seq, month.last_seq) if month.events else None
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT audit_retire(%s, %s, %s, %s, %s)",
                [month.month, month.first_seq, month.last_seq, month.last_hash, digest],
            )
            made = cursor.fetchone()[0]
            audit_record(
                actor=None,
                event=RECORDS_REMOVED(
                    {
                        "kind": AUDIT_MONTH.code,
                        "removed": {
                            month.partition: [
                                month.events,
                                month.first_seq,
                                month.last_seq,
                            ]
                        },
                    }
                ),
                object_type="retention",
            )
            if made is not None:
                checkpoint_copy_out(AuditCheckpoint.objects.get(pk=made))
        retired += 1
    return retired


def _links_digest(first_seq: int, last_seq: int) -> str:
    """SHA-256 over the canonical bytes of links ``first_seq..last_seq``, in order,
    each followed by a newline; streamed, for a month of any size."""
    digest = hashlib.sha256()
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT canonical FROM audit_auditlink WHERE seq BETWEEN %s AND %s "
            "ORDER BY seq",
            [first_seq, last_seq],
        )
        while rows := cursor.fetchmany(5000):
            for (canonical,) in rows:
                digest.update(bytes(canonical))
                digest.update(b"\n")
    return digest.hexdigest()


def _expired_export_jobs() -> Any:
    cutoff = timezone.now() - dt.timedelta(days=settings.RETENTION_EXPORT_FILE_DAYS)
    return ExportJob.objects.filter(created_at__lt=cutoff)


def _expired_access_exports() -> Any:
    return AccessExport.objects.filter(expires_at__lte=timezone.now())


def _remove_export_files() -> int:
    """Delete the audit and access exports past their period, files first."""
    removed = 0
    for job in _expired_export_jobs().order_by("pk").iterator():
        if job.file_name:
            export_path(job).unlink(missing_ok=True)
        with transaction.atomic():
            ExportJob.objects.filter(pk=job.pk).delete()
            _record_removed_file("audit_exportjob", job.pk)
        removed += 1
    for export in _expired_access_exports().order_by("pk").iterator():
        access_export_delete_files(export)
        with transaction.atomic():
            AccessExport.objects.filter(pk=export.pk).delete()
            _record_removed_file("privacy_accessexport", export.pk)
        removed += 1
    return removed


def _record_removed_file(table: str, pk: int) -> None:
    audit_record(
        actor=None,
        event=RECORDS_REMOVED(
            {"kind": EXPORT_FILE.code, "removed": {table: [1, pk, pk]}}
        ),
        object_type="retention",
    )


def _remove_sessions() -> int:
    """Delete the sessions whose idle time ran out (Django's own expiry)."""
    with transaction.atomic():
        expired = Session.objects.filter(expire_date__lt=timezone.now())
        count, _ = expired.delete()
        if count:
            audit_record(
                actor=None,
                event=RECORDS_REMOVED(
                    {"kind": SESSION.code, "removed": {"django_session": [count]}}
                ),
                object_type="retention",
            )
    return count
