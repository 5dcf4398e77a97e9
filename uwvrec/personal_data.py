"""Keeping a citizen service number (BSN) out of free text.

A BSN belongs in the BSN field only; typed into a name, a place or a note it would
be shown, stored or audited as text. Any app's form or service screens its free
text here.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.nl import bsn as stdnum_bsn

# Digits, alone or in groups with one or two separators between them
# ("999990019", "9999.90.019", "999 990 019", "999, 990, 019", "999/990/019").
_SEPARATOR = r"[\s.,/_-]{1,2}"
_DIGIT_RUNS = re.compile(rf"\d+(?:{_SEPARATOR}\d+)*")
BSN_IN_TEXT_MESSAGE = _(
    "Vul hier geen BSN in. Het BSN van de klant hoort alleen in het veld BSN; haal "
    "het nummer weg."
)


def bsn_in_text(text: str) -> bool:
    """Tell whether free text holds a number that passes the BSN eleven-test.

    It finds at least what the audit trail refuses (a bare run of 8 or 9 digits,
    ``audit.services.record``) and also a BSN written in groups, so that a form
    that uses it keeps every such number out of the trail.
    """
    for run in _DIGIT_RUNS.findall(text):
        candidates = [*re.split(_SEPARATOR, run), re.sub(_SEPARATOR, "", run)]
        if any(
            len(digits) in (8, 9) and stdnum_bsn.is_valid(digits)
            for digits in candidates
        ):
            return True
    return False


def no_bsn(value: str) -> None:
    """Refuse a BSN in free text (a form field's validator)."""
    if bsn_in_text(value):
        raise ValidationError(BSN_IN_TEXT_MESSAGE, code="bsn_in_text")
