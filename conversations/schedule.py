"""The dates a conversation may be planned on, and what a stored date allows.

The caller passes today: nothing here reads the clock.

A conversation is planned from the day the first recording policy took effect (for
an earlier date there are no rules to apply, so its checklist could never decide)
up to ``YEARS_AHEAD`` years from today: further ahead is a typing error (2099,
9999), not an appointment.
"""

from __future__ import annotations

import datetime
from typing import Final

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rules.engine import POLICIES, PolicyNotInForce, policy_for

EARLIEST_DATE: Final = min(policy.in_force_from for policy in POLICIES.values())
YEARS_AHEAD: Final = 5


def latest_date(today: datetime.date) -> datetime.date:
    """Return the last day a conversation may be planned on, seen from ``today``."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February, in a year that has none
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def date_problem(day: datetime.date, *, today: datetime.date) -> str | None:
    """Return why ``day`` cannot be planned on, in Dutch, or None when it can."""
    if day < EARLIEST_DATE:
        return _(
            "Kies een datum vanaf %(earliest)s: voor eerdere gesprekken gelden "
            "geen spelregels voor opnemen."
        ) % {"earliest": date_format(EARLIEST_DATE, "j F Y")}
    if day > latest_date(today):
        return _(
            "Kies een datum tot en met %(latest)s: verder vooruit kan geen "
            "afspraak worden gemaakt. Controleer het jaartal."
        ) % {"latest": date_format(latest_date(today), "j F Y")}
    return None


def policy_in_force(day: datetime.date) -> bool:
    """Tell whether a recording policy is in force on ``day``."""
    try:
        policy_for(day)
    except PolicyNotInForce:
        return False
    return True
