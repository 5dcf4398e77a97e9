"""Times as people read them: in Europe/Amsterdam, in the words of the UI language.

Every moment the app shows goes through ``moment_shown`` (or, in a template, the
``date`` filter with ``"DATETIME_FORMAT"``, which reads the same format): "1 december
2026, 09:00", never UTC and never ISO; a day through ``day_shown``. Exports and audit
payloads keep ISO.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format


def moment_shown(value: dt.datetime) -> str:
    """Return ``value`` in the local time zone, as "1 december 2026, 09:00"."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATETIME_FORMAT")


def day_shown(value: dt.date) -> str:
    """Return ``value`` as "1 december 2026"."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")
