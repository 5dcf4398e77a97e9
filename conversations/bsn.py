"""Check, encrypt, hash and mask the client's citizen service number (BSN).

A BSN is stored only encrypted (Fernet, keys from ``BSN_ENCRYPTION_KEYS``: the
first encrypts, every key decrypts, so keys can be rotated) and found through an
HMAC-SHA256 keyed hash (``BSN_HASH_KEY``). Pages show it masked; URLs, log lines
and audit payloads never hold it, and free text is screened for one by
``uwvrec.personal_data``.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn

MASK = "*****"
BSN_LENGTH = 9
VISIBLE_DIGITS = 4
# client_ref must never look like a number (the audit trail refuses anything that
# passes the eleven-test): its hex digits are spelt with the letters g-p.
_DIGITS_AS_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def bsn_clean(value: str) -> str:
    """Return the BSN as nine digits; raise a Dutch ValidationError if it is wrong.

    A wrong length is said as such, before the eleven-test: an 8-digit number is
    usually a BSN without its leading 0.
    """
    digits = "".join(value.split()).replace(".", "").replace("-", "")
    if not digits.isdigit():
        raise ValidationError(
            _("Een BSN bestaat uit 9 cijfers. Controleer het nummer."), code="format"
        )
    if len(digits) != BSN_LENGTH:
        raise ValidationError(_length_message(len(digits)), code="length")
    try:
        return str(stdnum_bsn.validate(digits))
    except StdnumError:
        raise ValidationError(
            _(
                "Dit BSN klopt niet: het voldoet niet aan de elfproef. Controleer "
                "het nummer."
            ),
            code="checksum",
        ) from None


def _length_message(count: int) -> str:
    message = gettext(
        "Een BSN bestaat uit 9 cijfers; u typte er %(count)d. Controleer het nummer."
    ) % {"count": count}
    if count == BSN_LENGTH - 1:
        message += " " + gettext("Begint het BSN met een 0? Typ die dan ook.")
    return message


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("BSN_ENCRYPTION_KEYS holds no key")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> MultiFernet:
    return _fernet(tuple(settings.BSN_ENCRYPTION_KEYS))


def bsn_encrypt(bsn: str) -> str:
    """Return the BSN encrypted with the current (first) key, as text."""
    return _keys().encrypt(bsn.encode()).decode()


def bsn_decrypt(token: str) -> str:
    """Return the BSN from its encrypted form, with whichever key made it."""
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "a stored BSN cannot be decrypted with BSN_ENCRYPTION_KEYS"
        ) from None


def bsn_reencrypt(token: str) -> str:
    """Return ``token`` encrypted again with the current key (for key rotation)."""
    return _keys().rotate(token.encode()).decode()


def bsn_hash(bsn: str) -> str:
    """Return the keyed hash (HMAC-SHA256, hex) a client is looked up by."""
    key = settings.BSN_HASH_KEY.encode()
    return hmac.new(key, bsn.encode(), hashlib.sha256).hexdigest()


def bsn_masked(bsn: str) -> str:
    """Return the BSN as pages show it: ``*****1234``."""
    return MASK + bsn[-VISIBLE_DIGITS:]


def client_ref_from_hash(keyed_hash: str) -> str:
    """Return the pseudonym the audit trail names a client by.

    Made from the keyed hash, so it reveals nothing of the BSN without the hash
    key, and it is the same for a client in every event.
    """
    return "klant-" + keyed_hash[:16].translate(_DIGITS_AS_LETTERS)
