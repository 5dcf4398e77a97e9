"""Verifying the trail as the application does it: recorded, and reported.

The nightly task, ``manage.py verify_audit_trail`` and a check an auditor starts
on the integrity page all come here, so that every check leaves an
``audit.trail_verified`` event (its origin says which ran it) and a broken trail
always reaches the auditors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import mail_roles
from accounts.roles import Role
from audit.access import may_export_trail, may_run_verification
from audit.anchor_file import read_anchors, read_checkpoints
from audit.catalogue import Result
from audit.models import AuditLink, VerificationJob
from audit.payloads import (
    CHECKER_DOWNLOADED,
    TRAIL_VERIFIED,
    VERIFICATION_REQUESTED,
    TrailVerified,
)
from audit.services.export import side_connection
from audit.services.record import audit_record
from audit.services.seal import audit_seal
from audit.trail_check import Report, verify_trail

if TYPE_CHECKING:
    from accounts.models import User

logger = structlog.get_logger(__name__)
_VERIFY_LOCK = 0x75777663  # "uwvc": one run per verification job, across processes


def audit_verify(
    *,
    anchors: Path | None = None,
    seal: bool = False,
    progress: Callable[[int], None] | None = None,
    job: int | None = None,
) -> Report:
    """Verify the trail against the outside anchors; record and report the result.

    ``anchors`` is the anchor file (``AUDIT_ANCHOR_FILE`` when not given); ``seal``
    chains the events still waiting first; ``progress`` hears how many links were
    checked; ``job`` is the verification job that asked for this check.
    """
    if seal:
        while audit_seal():
            pass
    report = verify_trail(read_anchors(anchors), progress, read_checkpoints(anchors))
    data: TrailVerified = {
        "checked": report.checked,
        "head_seq": report.head_seq,
        "pending": report.pending,
        "anchors": report.anchors,
        "problem": report.problems[0] if report.problems else "",
    }
    if job is not None:
        data["job"] = job
    with transaction.atomic():
        audit_record(
            actor=None,
            event=TRAIL_VERIFIED(data),
            result=Result.SUCCESS if report.intact else Result.FAILED,
        )
    if not report.intact:
        _notify_auditors(report)
    return report


def _notify_auditors(report: Report) -> None:
    mail_roles(
        roles=[Role.AUDITOR],
        subject=_("uwvrec: de audittrail is niet intact"),
        message=_(
            "De controle van de audittrail vond een fout:\n\n%(summary)s\n\n"
            "Controleer met: python manage.py verify_audit_trail"
        )
        % {"summary": report.summary()},
    )


def audit_verification_queue(*, actor: User) -> VerificationJob:
    """Record an auditor's request to check the trail now; a Celery task runs it.

    Raises PermissionDenied for anyone but an auditor.
    """
    from audit.tasks import run_verification  # the task module imports this one

    if not may_run_verification(actor):
        raise PermissionDenied
    with transaction.atomic():
        job = VerificationJob.objects.create(
            requested_by=actor, status=VerificationJob.Status.QUEUED
        )
        audit_record(actor=actor, event=VERIFICATION_REQUESTED({"job": job.pk}))
        transaction.on_commit(
            lambda: run_verification.delay(job_id=job.pk), robust=True
        )
    return job


def audit_verification_run(*, job: VerificationJob) -> VerificationJob:
    """Run the check ``job`` asks for, reporting progress as it goes.

    Once per job at a time (an advisory lock); a finished job is left alone. A
    failure leaves the job failed, with the reason, and is raised again.
    """
    with side_connection() as side:
        with side.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", [_VERIFY_LOCK, job.pk]
            )
            if not cursor.fetchone()[0]:
                return job
        job.refresh_from_db()
        if job.status in (VerificationJob.Status.DONE, VerificationJob.Status.FAILED):
            return job
        try:
            _run(job, side)
        except Exception as exc:
            logger.exception("audit_verification_failed", job_id=job.pk)
            VerificationJob.objects.filter(pk=job.pk).update(
                status=VerificationJob.Status.FAILED,
                error=f"{type(exc).__name__}: {exc}"[:300],
                finished_at=timezone.now(),
            )
            raise
    return job


def _run(job: VerificationJob, side: Any) -> None:
    job.status, job.links_checked = VerificationJob.Status.RUNNING, 0
    job.links_expected = AuditLink.objects.count()
    job.save(update_fields=["status", "links_checked", "links_expected"])

    def report_progress(checked: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_verificationjob SET links_checked = %s WHERE id = %s",
                [checked, job.pk],
            )

    report = audit_verify(seal=True, progress=report_progress, job=job.pk)
    job.status, job.links_checked = VerificationJob.Status.DONE, report.checked
    job.links_expected = max(job.links_expected or 0, report.checked)
    job.intact, job.head_seq = report.intact, report.head_seq
    job.problem = report.problems[0][:300] if report.problems else ""
    job.finished_at = timezone.now()
    job.save()


CHECKER = Path(__file__).parents[1] / "chain.py"


def audit_checker_download(*, actor: User) -> Path:
    """Record that ``actor`` takes the standalone checker; return its file.

    For whoever may export (team leads and auditors); others are refused.
    """
    if not may_export_trail(actor):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(actor=actor, event=CHECKER_DOWNLOADED())
    return CHECKER
