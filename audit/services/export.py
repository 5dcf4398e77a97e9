"""Exporting the audit trail, with the chain to check it: recorded, streamed or queued.

Every exported event carries its place in the hash chain (``seq``, ``prev_hash``,
``hash``) and the file carries the latest outside anchor, so that the standalone
verifier (``python audit/chain.py FILE``) checks the file without the application.
Rows are read from a server-side cursor inside a transaction, so memory stays flat
however many there are. Up to ``AUDIT_EXPORT_STREAM_LIMIT`` rows stream straight to
the browser; a larger export is written to a file by a Celery task. The files'
formats are ``audit.export_formats``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from django.conf import settings
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.utils import timezone

from audit import chain
from audit.access import export_jobs_visible_to, may_export_trail
from audit.event_columns import EVENT_COLUMNS, fields_from_row
from audit.export_formats import ExportFormat, csv_lines, jsonl_lines
from audit.models import AuditEvent, AuditPending, ExportJob
from audit.payloads import TRAIL_EXPORTED, TrailExported
from audit.selectors import (
    TrailFilters,
    audit_events_for,
    latest_anchor,
    latest_checkpoint,
)
from audit.services.record import audit_record
from audit.services.seal import audit_seal

if TYPE_CHECKING:
    from accounts.models import User

logger = structlog.get_logger(__name__)

CHUNK_ROWS = 2000
SEAL_WAIT_SECONDS = 30
RESEND_AFTER = dt.timedelta(minutes=5)
_EXPORT_LOCK = 0x75777865  # "uwxe": one writer per export job, across processes
# Only chained events: the export chains what waits first, and an event committed
# after that waits for the next export. Joining on the time too lets PostgreSQL
# find the event's partition.
_CHAINED_ROWS = (
    "SELECT l.seq, l.prev_hash, l.hash, {columns} FROM ({events}) e "
    "JOIN audit_auditlink l "
    "ON l.event_id = e.id AND l.event_occurred_at = e.occurred_at ORDER BY l.seq"
)


class ExportFileMissingError(Exception):
    """The job has no finished file (yet, or any more)."""


def export_is_large(events: QuerySet[AuditEvent]) -> bool:
    """Return whether ``events`` are too many to stream, counting no further."""
    limit: int = settings.AUDIT_EXPORT_STREAM_LIMIT
    return events.order_by().values("pk")[: limit + 1].count() > limit


def _chained_rows(events: QuerySet[AuditEvent]) -> Iterator[list[chain.Row]]:
    """Yield the events with their links in chain order, a chunk at a time."""
    try:
        inner, params = events.order_by().query.sql_with_params()
    except EmptyResultSet:
        return
    sql = _CHAINED_ROWS.format(columns=EVENT_COLUMNS, events=inner)
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(CHUNK_ROWS):
            yield [
                chain.Row(seq, prev_hash, link_hash, fields_from_row(tuple(values)))
                for seq, prev_hash, link_hash, *values in batch
            ]


def _seal_waiting(at: dt.datetime) -> None:
    """Chain the events committed before ``at``, for at most half a minute."""
    deadline = time.monotonic() + SEAL_WAIT_SECONDS
    while time.monotonic() < deadline:
        if audit_seal():
            continue
        if not AuditPending.objects.filter(occurred_at__lte=at).exists():
            return
        time.sleep(0.05)  # another sealer holds the lock: let it finish


def export_lines(
    *,
    file_format: str,
    events: QuerySet[AuditEvent],
    filters: TrailFilters,
    at: dt.datetime,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Yield the export of ``events`` in ``file_format``, reading lazily."""
    batches = _chained_rows(events)
    if progress is not None:
        batches = _reporting(batches, progress)
    anchor, checkpoint = latest_anchor(), latest_checkpoint()
    if file_format == ExportFormat.CSV:
        return csv_lines(batches, anchor=anchor, checkpoint=checkpoint)
    return jsonl_lines(
        batches,
        anchor=anchor,
        filters=filters.as_data(),
        at=at,
        checkpoint=checkpoint,
    )


def _reporting(
    batches: Iterator[list[chain.Row]], progress: Callable[[int], None]
) -> Iterator[list[chain.Row]]:
    rows = 0
    for batch in batches:
        yield batch
        rows += len(batch)
        progress(rows)


def _record_export(
    actor: User, file_format: str, filters: dict[str, Any], job: int | None = None
) -> None:
    data: TrailExported = {"format": file_format, "filters": filters}
    if job is not None:
        data["job"] = job
    audit_record(actor=actor, event=TRAIL_EXPORTED(data))


def audit_export_stream(
    *, actor: User, filters: TrailFilters, file_format: str
) -> Iterator[str]:
    """Record the export, chain what waits, and return the file's lines, lazily.

    The event is committed before the first row is read, so an export that is
    cut off is on record too. Raises PermissionDenied for a non-reviewer.
    """
    events = audit_events_for(user=actor, filters=filters)
    at = timezone.now()
    with transaction.atomic():
        _record_export(actor, file_format, filters.as_data())
    _seal_waiting(at)
    return export_lines(file_format=file_format, events=events, filters=filters, at=at)


def audit_export_queue(
    *, actor: User, filters: TrailFilters, file_format: str
) -> ExportJob:
    """Record a large export and have a Celery task write its file."""
    from audit.tasks import export_audit_trail  # the task module imports this one

    if not may_export_trail(actor):
        raise PermissionDenied
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=actor,
            filters=filters.as_data(),
            file_format=file_format,
            status=ExportJob.Status.QUEUED,
        )
        _record_export(actor, file_format, job.filters, job=job.pk)
        # If the broker is down, the job waits as queued: audit_export_resend
        # sends it again later.
        transaction.on_commit(
            lambda: export_audit_trail.delay(job_id=job.pk), robust=True
        )
    return job


def audit_export_resend(*, at: dt.datetime) -> int:
    """Send the jobs again that have been waiting too long; return how many."""
    from audit.tasks import export_audit_trail

    waiting = ExportJob.objects.filter(
        status=ExportJob.Status.QUEUED, created_at__lt=at - RESEND_AFTER
    )
    return send_again(waiting, lambda pk: export_audit_trail.delay(job_id=pk))


def send_again(waiting: QuerySet[Any], send: Callable[[int], object]) -> int:
    """Send the jobs in ``waiting`` to their task again; return how many."""
    pks = list(waiting.values_list("pk", flat=True))
    for pk in pks:
        send(pk)
    return len(pks)


def export_path(job: ExportJob) -> Path:
    return Path(settings.AUDIT_EXPORT_DIR) / job.file_name


def audit_export_write(*, job: ExportJob) -> ExportJob:
    """Write the export file of ``job``, reporting progress as it goes.

    Runs once per job at a time (an advisory lock); a job that is done or failed
    is left alone, one whose worker died is written again. A failure leaves the
    job failed, with the reason, and is raised again.
    """
    with side_connection() as side:
        if not claim(side, _EXPORT_LOCK, job.pk):
            return job
        job.refresh_from_db()
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return job
        try:
            _write(job, side)
        except Exception as exc:
            _fail(job, exc)
            raise
    return job


@contextlib.contextmanager
def side_connection() -> Iterator[BaseDatabaseWrapper]:
    """A second connection that commits progress while the export reads."""
    side = connection.copy()
    try:
        yield side
    finally:
        side.close()


def claim(side: BaseDatabaseWrapper, lock: int, job_id: int) -> bool:
    """Take the advisory lock (``lock``, ``job_id``) on ``side`` for as long as it
    is open; return False when another process holds it."""
    with side.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [lock, job_id])
        return bool(cursor.fetchone()[0])


def _progress(side: BaseDatabaseWrapper, job_id: int, rows: int) -> None:
    with side.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_exportjob SET rows_written = %s WHERE id = %s",
            [rows, job_id],
        )


def _write(job: ExportJob, side: BaseDatabaseWrapper) -> None:
    filters = TrailFilters.from_data(job.filters)
    events = audit_events_for(user=job.requested_by, filters=filters)
    at = timezone.now()
    _seal_waiting(at)
    job.status, job.rows_written, job.error = ExportJob.Status.RUNNING, 0, ""
    job.rows_expected = events.count()
    job.file_name = f"audit-export-{job.pk}-{secrets.token_hex(8)}.{job.file_format}"
    job.save(
        update_fields=["status", "rows_written", "error", "rows_expected", "file_name"]
    )
    written = [0]

    def report(rows: int) -> None:
        written[0] = rows
        _progress(side, job.pk, rows)

    lines = export_lines(
        file_format=job.file_format,
        events=events,
        filters=filters,
        at=at,
        progress=report,
    )
    _write_file(export_path(job), lines)
    job.status, job.rows_written = ExportJob.Status.DONE, written[0]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "rows_written", "finished_at"])


def _write_file(path: Path, lines: Iterable[str]) -> None:
    """Write ``lines`` to ``path``; the file appears only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    try:
        with part.open("w", encoding="utf-8", newline="") as handle:
            handle.writelines(lines)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _fail(job: ExportJob, exc: Exception) -> None:
    logger.exception("audit_export_failed", job_id=job.pk)
    reason = "permission denied" if isinstance(exc, PermissionDenied) else str(exc)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED,
        error=f"{type(exc).__name__}: {reason}"[:300],
        finished_at=timezone.now(),
    )


def audit_export_download(*, actor: User, job: ExportJob) -> Path:
    """Record the download of a finished export and return its file."""
    if not export_jobs_visible_to(actor).filter(pk=job.pk).exists():
        raise PermissionDenied
    path = export_path(job) if job.file_name else None
    if job.status != ExportJob.Status.DONE or path is None or not path.is_file():
        raise ExportFileMissingError
    with transaction.atomic():
        _record_export(actor, job.file_format, job.filters, job=job.pk)
    return path
