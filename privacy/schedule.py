"""The retention schedule: per kind of record, how long it is kept and from when.

Each period is a setting (``RETENTION_*_DAYS``, docs/configuration.md). After every
``migrate`` the migrating role (the owner) copies them into ``RetentionPeriod``,
where the database's retention functions read them: the app's role cannot change
them (docs/adr/0008-retention.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Kind:
    """A kind of record on the schedule, in the order a run removes them."""

    code: str
    label: StrOrPromise
    # From what moment the period runs, and what stays longer, in words.
    counted_from: StrOrPromise
    setting: str = ""
    # Where UWV has not fixed the period: the default is our reading.
    interpretation: bool = False

    @property
    def days(self) -> int | None:
        """Return the period in days the setting gives, or None (not in days)."""
        return int(getattr(settings, self.setting)) if self.setting else None


# In the database: removed by ``privacy_retention_remove`` (migration 0002).
NOTIFICATION = Kind(
    "notification",
    _("Berichten aan medewerkers"),
    _("vanaf het maken van het bericht"),
    "RETENTION_NOTIFICATION_DAYS",
)
VIOLATION_REPORT = Kind(
    "violation_report",
    _("Meldingen van overtredingen, met hun geschiedenis en berichten"),
    _(
        "vanaf de afwijzing of de intrekking; een bevestigde overtreding die niet "
        "is ingetrokken blijft zolang ze de klant signaleert, een open melding blijft"
    ),
    "RETENTION_VIOLATION_REPORT_DAYS",
    interpretation=True,
)
CONVERSATION = Kind(
    "conversation",
    _("Gesprekken, met hun deelnemers en besluiten"),
    _(
        "vanaf de datum van het gesprek; een gesprek blijft zolang een melding "
        "erover bewaard wordt"
    ),
    "RETENTION_CONVERSATION_DAYS",
    interpretation=True,
)
CLIENT = Kind(
    "client",
    _("Klanten (naam en BSN)"),
    _(
        "zodra er niets meer over de klant bewaard wordt, en de klant langer dan "
        "de termijn van gesprekken geleden is geregistreerd"
    ),
    "RETENTION_CONVERSATION_DAYS",
    interpretation=True,
)
# The audit trail, by whole months (privacy migration 0003).
AUDIT_MONTH = Kind(
    "audit_month",
    _("Audittrail, per maand"),
    _(
        "vanaf het einde van de maand; een maand met een gebeurtenis over een klant "
        "met een bewaarplicht blijft; er blijft een controlepunt van over"
    ),
    "RETENTION_AUDIT_DAYS",
    interpretation=True,
)
# Outside the database's functions: files on disk, and Django's sessions.
EXPORT_FILE = Kind(
    "export_file",
    _("Exportbestanden: van de audittrail, en inzage-exports van klanten"),
    _("vanaf het aanvragen van de export"),
    "RETENTION_EXPORT_FILE_DAYS",
)
SESSION = Kind(
    "session",
    _("Sessies (ingelogd zijn)"),
    _("zodra de sessie verlopen is: na de tijd zonder verzoek"),
)

IN_DATABASE = (NOTIFICATION, VIOLATION_REPORT, CONVERSATION, CLIENT)
SCHEDULE = (*IN_DATABASE, AUDIT_MONTH, EXPORT_FILE, SESSION)
# The periods the database reads (the client's is the conversations' period).
STORED = {
    kind.code: kind.setting
    for kind in (NOTIFICATION, VIOLATION_REPORT, CONVERSATION, AUDIT_MONTH)
}


def periods_store(*, using: str = "default", **kwargs: Any) -> None:
    """Copy the periods from the settings into the database (after ``migrate``).

    Only the owner may; ``flush``, which sends the same signal as the app's role
    in the tests, leaves the table alone (``keep_on_flush``).
    """
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass('privacy_retentionperiod') IS NOT NULL AND "
            "has_table_privilege('privacy_retentionperiod', 'UPDATE')"
        )
        if not cursor.fetchone()[0]:
            return
        for code, setting in STORED.items():
            cursor.execute(
                "INSERT INTO privacy_retentionperiod (kind, days) VALUES (%s, %s) "
                "ON CONFLICT (kind) DO UPDATE SET days = EXCLUDED.days",
                [code, int(getattr(settings, setting))],
            )
