"""The client's access export (AVG art. 15): asked for, written, shown, downloaded.

An auditor finds the client by BSN and asks; a Celery task writes the document
(``privacy.access_report``) as JSON and as a tagged PDF, counting its steps on a
second connection so that the page can follow it. Only the auditor who asked
sees the export and downloads its files, until it expires (the export files'
period after asking); the retention run then deletes the files and the row. Every
step is audited, with the client's pseudonym; refusals too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.catalogue import Result
from audit.payloads import (
    ACCESS_DOWNLOADED,
    ACCESS_PREPARED,
    ACCESS_REQUESTED,
    ACCESS_VIEWED,
    Catalogued,
)
from audit.services.export import RESEND_AFTER, claim, send_again, side_connection
from audit.services.record import audit_record, audit_record_many, audit_record_refusal
from conversations.services import client_lookup
from privacy.access import access_exports_visible_to
from privacy.access_report import STEPS, access_report, counts
from privacy.models import AccessExport
from privacy.services.holds import refuse_unless_auditor

logger = structlog.get_logger(__name__)

OBJECT_TYPE = "privacy.accessexport"
FORMATS = ("pdf", "json")
_BUILD_LOCK = 0x75776178  # "uwax": one writer per access export, across processes


class AccessExportError(ValidationError):
    """A request the rules refuse, with a Dutch message and a code."""


class AccessFileGoneError(Exception):
    """The export has no file to download: not written yet, failed, or expired."""


def refuse_unless_auditor_for_access(
    actor: User, action: Catalogued[Any], *, export_id: object = ""
) -> None:
    """Raise PermissionDenied, and record it, unless ``actor`` is an auditor."""
    refuse_unless_auditor(
        actor,
        action,
        hold_id=export_id,
        object_type=OBJECT_TYPE,
        message=_("Alleen een auditor kan een inzage-export maken en downloaden."),
    )


def access_export_request(*, actor: User, bsn: str, at: dt.datetime) -> AccessExport:
    """Find the client with this (checked) BSN and have their export written.

    Raises AccessExportError (``not_found``) when no client has this BSN; the
    search is audited either way, and so is the refusal.
    """
    refuse_unless_auditor_for_access(actor, ACCESS_REQUESTED)
    client = client_lookup(actor=actor, bsn=bsn)
    if client is None:
        audit_record_refusal(
            actor=actor,
            event=ACCESS_REQUESTED.coded("not_found"),
            result=Result.FAILED,
            object_type=OBJECT_TYPE,
        )
        raise AccessExportError(
            _("Er is geen klant met dit BSN. Controleer het nummer."),
            code="not_found",
        )
    from privacy.tasks import build_access_export  # the task module imports this one

    with transaction.atomic():
        export = AccessExport.objects.create(
            client=client,
            requested_by=actor,
            status=AccessExport.Status.QUEUED,
            steps_expected=STEPS,
            created_at=at,
            expires_at=at + dt.timedelta(days=settings.RETENTION_EXPORT_FILE_DAYS),
        )
        audit_record(
            actor=actor,
            event=ACCESS_REQUESTED(),
            obj=export,
            client_ref=client.client_ref,
        )
        # If the broker is down, the export waits as queued: access_export_resend
        # sends it again later.
        transaction.on_commit(
            lambda: build_access_export.delay(export_id=export.pk), robust=True
        )
    return export


def access_export_resend(*, at: dt.datetime) -> int:
    """Send the exports again that have been waiting too long; return how many."""
    from privacy.tasks import build_access_export

    waiting = AccessExport.objects.filter(
        status=AccessExport.Status.QUEUED, created_at__lt=at - RESEND_AFTER
    )
    return send_again(waiting, lambda pk: build_access_export.delay(export_id=pk))


def access_export_path(export: AccessExport, file_format: str) -> Path:
    """Return where the export's file in ``file_format`` (pdf, json) is written."""
    return Path(settings.ACCESS_EXPORT_DIR) / f"{export.file_stem}.{file_format}"


def access_export_build(*, export: AccessExport) -> AccessExport:
    """Write the export's files, counting the steps as it goes.

    Runs once per export at a time (an advisory lock); one that is done, failed or
    expired is left alone, one whose worker died is written again. A failure
    leaves the export failed, with the reason, and is raised again.
    """
    with side_connection() as side:
        if not claim(side, _BUILD_LOCK, export.pk):
            return export
        export.refresh_from_db()
        if export.status in (AccessExport.Status.DONE, AccessExport.Status.FAILED):
            return export
        if export.expires_at <= timezone.now():
            return export
        try:
            _build(export, side)
        except Exception as exc:
            _fail(export, exc)
            raise
    return export


def _progress(side: BaseDatabaseWrapper, export_id: int, steps: int) -> None:
    with side.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_accessexport SET steps_done = %s WHERE id = %s",
            [steps, export_id],
        )


def _build(export: AccessExport, side: BaseDatabaseWrapper) -> None:
    from privacy.access_pdf import access_report_pdf  # WeasyPrint: slow to import

    export.status, export.steps_done, export.error = AccessExport.Status.RUNNING, 0, ""
    # Written again after a worker died: what the first try left goes first.
    access_export_delete_files(export)
    export.file_stem = f"inzage-{export.pk}-{secrets.token_hex(8)}"
    export.save(update_fields=["status", "steps_done", "error", "file_stem"])
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:  # one snapshot for the whole document
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        document = access_report(
            client=export.client,
            export_id=export.pk,
            at=timezone.now(),
            progress=lambda steps: _progress(side, export.pk, steps),
        )
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    _write_file(access_export_path(export, "json"), text.encode())
    _progress(side, export.pk, STEPS - 1)
    _write_file(access_export_path(export, "pdf"), access_report_pdf(document))
    with transaction.atomic():
        export.status, export.steps_done = AccessExport.Status.DONE, STEPS
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "steps_done", "finished_at"])
        audit_record(
            actor=None,
            event=ACCESS_PREPARED({"counts": counts(document)}),
            obj=export,
            client_ref=export.client.client_ref,
        )


def _write_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path``, for the owner only; whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    part = path.with_name(path.name + ".part")
    try:
        descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _fail(export: AccessExport, exc: Exception) -> None:
    logger.exception("access_export_failed", export_id=export.pk)
    try:
        access_export_delete_files(export)
    except OSError:  # where the files could not be written, nothing is left
        logger.exception("access_export_files_not_deleted", export_id=export.pk)
    AccessExport.objects.filter(pk=export.pk).update(
        status=AccessExport.Status.FAILED,
        # The kind of error only: a database error's text may quote the client's data.
        error=type(exc).__name__[:300],
        finished_at=timezone.now(),
    )
    audit_record_refusal(
        actor=None,
        event=ACCESS_PREPARED.coded("failed"),
        result=Result.FAILED,
        obj=export,
        client_ref=export.client.client_ref,
    )


def access_export_delete_files(export: AccessExport) -> None:
    """Delete the export's files, if any; the row stays (the caller's to delete)."""
    if export.file_stem:
        for file_format in FORMATS:
            path = access_export_path(export, file_format)
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".part").unlink(missing_ok=True)


def access_export_expired(export: AccessExport, now: dt.datetime) -> bool:
    return export.expires_at <= now


def access_exports_view_record(
    *, actor: User, exports: list[AccessExport], page: str
) -> None:
    """Record that these exports (and so their clients) were shown to ``actor``.

    One event per export, all in one statement, however many the page shows.
    """
    audit_record_many(
        actor=actor,
        events=[
            {
                "event": ACCESS_VIEWED({"page": page, "status": export.status}),
                "obj": export,
                "client_ref": export.client.client_ref,
            }
            for export in exports
        ],
    )


def access_export_download(
    *, actor: User, export: AccessExport, file_format: str, at: dt.datetime
) -> Path:
    """Record the download of a finished export's file and return the file.

    Raises PermissionDenied unless ``actor`` asked for it, and AccessFileGoneError
    when it is not done, failed, or expired.
    """
    if not access_exports_visible_to(actor).filter(pk=export.pk).exists():
        audit_record_refusal(
            actor=actor,
            event=ACCESS_DOWNLOADED.denied(),
            object_type=OBJECT_TYPE,
            object_id=str(export.pk),
        )
        raise PermissionDenied
    path = access_export_path(export, file_format) if export.file_stem else None
    if (
        file_format not in FORMATS
        or export.status != AccessExport.Status.DONE
        or access_export_expired(export, at)
        or path is None
        or not path.is_file()
    ):
        raise AccessFileGoneError
    with transaction.atomic():
        audit_record(
            actor=actor,
            event=ACCESS_DOWNLOADED({"format": file_format}),
            obj=export,
            client_ref=export.client.client_ref,
        )
    return path


def download_name(export: AccessExport, file_format: str) -> str:
    """The name the downloaded file gets: inzage-12-2026-12-03.pdf (no name in it)."""
    day = timezone.localdate(export.created_at).isoformat()
    return f"inzage-{export.pk}-{day}.{file_format}"
