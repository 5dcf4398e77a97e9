"""Privacy work in the background: the nightly retention run, access exports."""

from celery import shared_task
from django.utils import timezone

from privacy.models import AccessExport
from privacy.services.access_export import access_export_build, access_export_resend
from privacy.services.retention import retention_run


@shared_task
def apply_retention() -> dict[str, int]:
    """Remove what is past its retention period (run nightly by Celery beat)."""
    return retention_run().removed


@shared_task
def build_access_export(*, export_id: int) -> str:
    """Write the files of a client's access export; return its status."""
    export = AccessExport.objects.select_related("client").filter(pk=export_id).first()
    if export is None:  # removed (expired, or its client erased) before it ran
        return "gone"
    return access_export_build(export=export).status


@shared_task
def resend_access_exports() -> int:
    """Send access exports again that were queued while the broker was away."""
    return access_export_resend(at=timezone.now())
