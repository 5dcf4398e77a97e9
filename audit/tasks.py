"""Work on the audit trail in the background.

Scheduled (Celery beat): seal, anchor, verify, partitions, and sending export jobs
again that waited too long. On request: writing a large export.
"""

from celery import shared_task
from django.utils import timezone

from audit.models import ExportJob, VerificationJob
from audit.partitions import audit_partitions_prepare
from audit.services.anchor import audit_anchor
from audit.services.export import audit_export_resend, audit_export_write
from audit.services.seal import audit_seal
from audit.services.verify import audit_verification_run, audit_verify


@shared_task
def seal_audit_trail() -> int:
    """Chain every committed event not chained yet."""
    total = 0
    while sealed := audit_seal():
        total += sealed
    return total


@shared_task
def anchor_audit_trail() -> int | None:
    """Copy the chain head out of the database."""
    audit_seal()
    anchor = audit_anchor()
    return anchor.seq if anchor else None


@shared_task
def verify_audit_trail() -> bool:
    """Check the whole trail, record the result, and tell the auditors if broken."""
    return audit_verify().intact


@shared_task
def prepare_audit_partitions(months_ahead: int = 3) -> int:
    """Make the coming months' partitions; alert on and move events in the default."""
    return audit_partitions_prepare(months_ahead=months_ahead).made


@shared_task
def export_audit_trail(*, job_id: int) -> int:
    """Write the file of a large export; return how many events it holds."""
    job = audit_export_write(job=ExportJob.objects.get(pk=job_id))
    return job.rows_written


@shared_task
def resend_audit_exports() -> int:
    """Send export jobs again that were queued while the broker was away."""
    return audit_export_resend(at=timezone.now())


@shared_task
def run_verification(*, job_id: int) -> bool:
    """Run the check of the trail an auditor asked for; return whether intact."""
    job = audit_verification_run(job=VerificationJob.objects.get(pk=job_id))
    return bool(job.intact)
