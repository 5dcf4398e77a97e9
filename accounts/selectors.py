"""What the second-factor pages read: a user's own app, codes and passkeys.

A user has at most one authenticator app (confirmed, or waiting to be confirmed
while it is being set up), at most one set of recovery codes, and any number of
passkeys; every read is of the user's own, so nobody reaches another's device
from these pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

if TYPE_CHECKING:
    from accounts.models import User


def authenticator_of(user: User) -> TOTPDevice | None:
    """Return the user's confirmed authenticator app, if they set one up."""
    found: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    )
    return found


def pending_authenticator_of(user: User, pk: object) -> TOTPDevice | None:
    """Return the app being set up in this session: made, not yet confirmed."""
    if not isinstance(pk, int):
        return None
    found: TOTPDevice | None = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=pk
    ).first()
    return found


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    """Return the user's passkeys, the oldest first."""
    return list(
        WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")
    )


def has_passkeys(user: User) -> bool:
    """Return whether the user has a passkey in use."""
    return bool(WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())


def passkey_of(user: User, pk: int) -> WebAuthnCredential | None:
    """Return one passkey of the user's own, or None (another's is none)."""
    found: WebAuthnCredential | None = WebAuthnCredential.objects.filter(
        user=user, confirmed=True, pk=pk
    ).first()
    return found


def recovery_codes_of(user: User) -> StaticDevice | None:
    """Return the user's recovery codes (their device), if any were made."""
    found: StaticDevice | None = (
        StaticDevice.objects.filter(user=user).order_by("pk").first()
    )
    return found


def recovery_codes_left(device: StaticDevice | None) -> int:
    """Return how many of the codes of ``device`` are still unused."""
    if device is None:
        return 0
    count: int = StaticToken.objects.filter(device=device).count()
    return count


def has_second_factor(user: User, *, passkeys: bool = False) -> bool:
    """Return whether the user can pass a second factor: an app, or a code left.

    Who has neither is sent to set up an app; who has only recovery codes left
    (an admin removed a lost app) uses one of them first. With ``passkeys`` (they
    are offered where the user is) a passkey counts too.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return True
    codes = StaticToken.objects.filter(device__user=user, device__confirmed=True)
    if codes.exists():
        return True
    return passkeys and has_passkeys(user)
