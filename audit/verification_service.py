"""Verifying the trail as the application does it: recorded, and reported."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from accounts.roles import Role
from audit.anchors import read_anchors
from audit.catalogue import Action, Result
from audit.services import audit_record
from audit.verification import Report, verify_trail


def audit_verify() -> Report:
    """Verify the trail against the outside anchors; record and report the result."""
    report = verify_trail(read_anchors())
    with transaction.atomic():
        audit_record(
            actor=None,
            action=Action.TRAIL_VERIFIED,
            result=Result.SUCCESS if report.intact else Result.FAILED,
            data={
                "checked": report.checked,
                "head_seq": report.head_seq,
                "pending": report.pending,
                "problem": report.problems[0] if report.problems else "",
            },
        )
    if not report.intact:
        _notify_auditors(report)
    return report


def _notify_auditors(report: Report) -> None:
    auditors = (
        get_user_model()
        .objects.filter(groups__name=Role.AUDITOR.value, is_active=True)
        .exclude(email="")
    )
    recipients = list(auditors.values_list("email", flat=True))
    if recipients:
        send_mail(
            subject="uwvrec: de audittrail is niet intact",
            message=(
                "De nachtelijke controle van de audittrail vond een fout:\n\n"
                f"{report.summary()}\n\n"
                "Controleer met: python manage.py verify_audit_trail"
            ),
            from_email=None,
            recipient_list=recipients,
        )
