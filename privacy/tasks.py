from celery import shared_task

from privacy.services.retention import retention_run


@shared_task
def apply_retention() -> dict[str, int]:
    """Remove what is past its retention period (run nightly by Celery beat)."""
    return retention_run().removed
