"""Scheduled work on the audit trail (Celery beat): seal, anchor, verify, partitions."""

from celery import shared_task
from django.db import connection

from audit.anchors import audit_anchor
from audit.services import audit_seal
from audit.verification_service import audit_verify


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
    """Make the coming months' partitions of the audit trail."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_ensure_partitions(%s)", [months_ahead])
        return int(cursor.fetchone()[0])
