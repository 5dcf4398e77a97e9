"""The dates a conversation may be planned on, and what a stored date allows.

The caller passes today: nothing here reads the clock.

A conversation is planned from the day the first recording policy took effect (for
an earlier date there are no rules to apply, so its checklist could never decide)
up to ``CONVERSATION_MONTHS_AHEAD`` months from today (a setting): further ahead
is a typing error (2099, 9999), not an appointment. A moment already past is
allowed (an employee records a call that just happened), but only once confirmed.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Final

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from rules.engine import POLICIES, Channel, PolicyNotInForce, policy_for
from uwvrec.moments import day_shown

EARLIEST_DATE: Final = min(policy.in_force_from for policy in POLICIES.values())


def latest_date(today: datetime.date) -> datetime.date:
    """Return the last day a conversation may be planned on, seen from ``today``."""
    months = today.month - 1 + settings.CONVERSATION_MONTHS_AHEAD
    year, month = today.year + months // 12, months % 12 + 1
    last_of_month = calendar.monthrange(year, month)[1]  # the 31st, in a shorter month
    return datetime.date(year, month, min(today.day, last_of_month))


def day_is_over(moment: datetime.datetime, *, today: datetime.date) -> bool:
    """Tell whether the day of ``moment`` (in Amsterdam) ended before ``today``."""
    return timezone.localdate(moment) < today


def date_problem(day: datetime.date, *, today: datetime.date) -> str | None:
    """Return why ``day`` cannot be planned on, in Dutch, or None when it can."""
    if day < EARLIEST_DATE:
        return _(
            "Kies een datum vanaf %(earliest)s: voor eerdere gesprekken gelden "
            "geen spelregels voor opnemen."
        ) % {"earliest": day_shown(EARLIEST_DATE)}
    if day > latest_date(today):
        return _(
            "Kies een datum tot en met %(latest)s: verder vooruit kan geen "
            "afspraak worden gemaakt. Controleer het jaartal."
        ) % {"latest": day_shown(latest_date(today))}
    return None


def place_problem(channel: str, place: str) -> tuple[str, str] | None:
    """Return (code, Dutch message) when the place does not fit the channel.

    A phone call has no room (a place typed there is refused, not silently
    dropped); a conversation at the office needs one.
    """
    if channel == Channel.PHONE and place.strip():
        return "place_for_phone", _(
            "Een telefoongesprek heeft geen plaats. Maak het veld Plaats leeg."
        )
    if channel == Channel.FACE_TO_FACE and not place.strip():
        return "place_missing", _("Vul de plaats in: de vestiging en de kamer.")
    return None


def policy_in_force(day: datetime.date) -> bool:
    """Tell whether a recording policy is in force on ``day``."""
    try:
        policy_for(day)
    except PolicyNotInForce:
        return False
    return True
