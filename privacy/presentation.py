"""Holds, erasures, retention periods and access exports in words."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacy.access import hold_standing
from privacy.models import AccessExport, ErasureRequest, LegalHold

DAYS_A_YEAR = 365.25


class HoldStatus(models.TextChoices):
    """Where a hold stands; the codes are what the audit trail records."""

    STANDING = "standing", _("Staat")
    LIFT_REQUESTED = "lift_requested", _("Staat, opheffen gevraagd")
    ENDED = "ended", _("Afgelopen")
    LIFTED = "lifted", _("Opgeheven")


def hold_status(hold: LegalHold, today: dt.date) -> HoldStatus:
    """Return the hold's status on ``today`` (a day in Amsterdam)."""
    if hold.lifted_at is not None:
        return HoldStatus.LIFTED
    if not hold_standing(hold, today):
        return HoldStatus.ENDED
    if hold.lift_requested_at is not None:
        return HoldStatus.LIFT_REQUESTED
    return HoldStatus.STANDING


# What an erasure removed, per table, in the order the page lists it.
REMOVED_TABLES = {
    "conversations_client": _("De klant (naam en versleuteld BSN)"),
    "conversations_conversation": _("Gesprekken"),
    "conversations_participant": _("Deelnemers aan gesprekken"),
    "conversations_decision": _("Besluiten"),
    "violations_violationreport": _("Meldingen van overtredingen"),
    "violations_violationevent": _("Stappen in de geschiedenis van meldingen"),
    "violations_notification": _("Berichten over meldingen"),
    "privacy_accessexport": _("Inzage-exports"),
    "privacy_legalhold": _("Afgelopen en opgeheven bewaarplichten"),
}


def removed_rows(request: ErasureRequest) -> list[tuple[str, int]]:
    """Return what an erasure removed as (what, how many), tables in a fixed order."""
    removed = request.removed or {}
    rows = [
        (str(label), int(removed[table][0]))
        for table, label in REMOVED_TABLES.items()
        if table in removed
    ]
    rows += [
        (table, int(n[0]))
        for table, n in removed.items()
        if table not in REMOVED_TABLES
    ]
    return rows


def erasure_refusal_text(request: ErasureRequest, hold: LegalHold | None) -> str:
    """Return why an approved erasure was not carried out, in a sentence."""
    if request.refusal == ErasureRequest.Refusal.HOLD:
        if hold is None:
            return str(_("Niet gewist: er stond een bewaarplicht op deze klant."))
        return _(
            "Niet gewist: er staat een bewaarplicht op deze klant (zaak %(case)s)."
        ) % {"case": hold.case_reference}
    if request.refusal == ErasureRequest.Refusal.FLAGGED:
        return str(
            _(
                "Niet gewist: deze klant is gesignaleerd na een bevestigde "
                "overtreding. Zolang die signalering staat, blijft alles bewaard."
            )
        )
    return ""


def period_shown(days: int) -> str:
    """Return a period as "730 dagen (2 jaar)": the days, and a rounder unit if any.

    Years where the days are whole years give or take a leap day (1826 is 5
    years), else months of 30 days, else weeks; just the days otherwise.
    """
    in_days = ngettext("%(count)d dag", "%(count)d dagen", days) % {"count": days}
    years = round(days / DAYS_A_YEAR)
    if years >= 1 and abs(days - years * DAYS_A_YEAR) <= 1:
        rounder = ngettext("%(count)d jaar", "%(count)d jaar", years)
        count = years
    elif days >= 30 and days % 30 == 0:
        rounder = ngettext("%(count)d maand", "%(count)d maanden", days // 30)
        count = days // 30
    elif days >= 7 and days % 7 == 0:
        rounder = ngettext("%(count)d week", "%(count)d weken", days // 7)
        count = days // 7
    else:
        return in_days
    return f"{in_days} ({rounder % {'count': count}})"


def access_export_percent(export: AccessExport) -> int:
    """How far an access export is, in percent of its steps (100 once done)."""
    if export.status == AccessExport.Status.DONE:
        return 100
    if not export.steps_expected:
        return 0
    return min(99, round(100 * export.steps_done / export.steps_expected))
