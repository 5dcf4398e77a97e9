"""Verifying the trail as the application does it: recorded, and reported.

The nightly task and ``manage.py verify_audit_trail`` both come here, so that every
check leaves an ``audit.trail_verified`` event (its origin says which ran it) and a
broken trail always reaches the auditors.
"""

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role
from audit.alerts import audit_alert
from audit.anchors import read_anchors
from audit.catalogue import Action, Result
from audit.services import audit_record, audit_seal
from audit.verification import Report, verify_trail


def audit_verify(*, anchors: Path | None = None, seal: bool = False) -> Report:
    """Verify the trail against the outside anchors; record and report the result.

    ``anchors`` is the anchor file (``AUDIT_ANCHOR_FILE`` when not given); ``seal``
    chains the events still waiting first.
    """
    if seal:
        while audit_seal():
            pass
    report = verify_trail(read_anchors(anchors))
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
    audit_alert(
        roles=[Role.AUDITOR],
        subject=_("uwvrec: de audittrail is niet intact"),
        message=_(
            "De controle van de audittrail vond een fout:\n\n%(summary)s\n\n"
            "Controleer met: python manage.py verify_audit_trail"
        )
        % {"summary": report.summary()},
    )
