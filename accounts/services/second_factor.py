"""The second factor's writes: an app, codes and passkeys set up, passed, failed,
removed.

A privileged user has one authenticator app (django-otp's TOTP device), one set
of single-use recovery codes (its static device), and passkeys if they like
(django-otp-webauthn's credential; the ceremony's checks are py_webauthn's).
Every code typed is checked by django-otp on the device's locked row, with its
throttling: after n wrong codes in a row the device refuses any code, right or
wrong, for factor x 2^(n-1) seconds. A wrong or refused code is committed with
its audit event before the error is raised, so the count of failures survives
the request. Audit payloads never hold a code or a secret.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.exceptions import (
    CredentialDisabled,
    CredentialNotFound,
    CredentialUserMismatch,
    OTPWebAuthnApiError,
)
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions

from accounts.access import may_remove_device, needs_second_factor
from accounts.models import User
from audit.catalogue import Result
from audit.payloads import (
    DEVICE_ADDED,
    DEVICE_REMOVED,
    SECOND_FACTOR_FAILED,
    SECOND_FACTOR_PASSED,
    SecondFactorPassed,
)
from audit.services.record import audit_record

RECOVERY_CODE_COUNT = 10
# What an authenticator app shows: six digits. Anything else is a recovery code.
APP_CODE = re.compile(r"\d{6}")
APP_NAME = "Authenticator-app"
CODES_NAME = "Herstelcodes"
PASSKEY_NAME = "Passkey"


class SecondFactorError(Exception):
    """A second-factor action that could not be done; ``code`` says why."""

    code = "second_factor"


class WrongCodeError(SecondFactorError):
    """The code was not one the device accepts (or no device could check it)."""

    code = "wrong_code"

    def __init__(self, failures: int) -> None:
        super().__init__(f"wrong code ({failures} in a row)")
        self.failures = failures


class ThrottledError(SecondFactorError):
    """Too many wrong codes in a row: no code is checked before ``until``."""

    code = "throttled"

    def __init__(self, until: dt.datetime, failures: int) -> None:
        super().__init__(f"throttled until {until.isoformat()}")
        self.until = until
        self.failures = failures


class AlreadySetUpError(SecondFactorError):
    """The user has an authenticator app already: one is enough."""

    code = "already_set_up"


class NotSetUpError(SecondFactorError):
    """There is no app (being set up) to confirm, or to make codes for."""

    code = "not_set_up"


@dataclass(frozen=True)
class Passed:
    """A code that passed: on which device, of which kind, and codes left."""

    device: Device
    kind: str  # "totp" or "recovery_code"
    remaining: int | None = None  # recovery codes left, after one was used


@dataclass(frozen=True)
class Confirmed:
    """An app set up and confirmed, with the new recovery codes to show once."""

    device: TOTPDevice
    recovery_codes: list[str]


def authenticator_begin(*, user: User, pending: int | None = None) -> TOTPDevice:
    """Return the app being set up in this session (``pending``), or a new one.

    Opening the set-up page again in the same session shows the same secret, so
    an app that scanned it already still gives the right codes. Another session
    (someone else who knows the password, say) never sees that secret: starting
    there makes a new secret and drops the one set up elsewhere.
    """
    if not needs_second_factor(user):
        raise PermissionDenied
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise AlreadySetUpError
        own = _pending_app(user, pk=pending)
        if own is not None:
            return own
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        created: TOTPDevice = TOTPDevice.objects.create(
            user=user, name=APP_NAME, confirmed=False
        )
        return created


def authenticator_confirm(*, user: User, code: str, pending: int | None) -> Confirmed:
    """Confirm the app this session set up with a code it shows; make recovery codes.

    The session that confirmed is then verified (the view logs the device in).
    """
    if not needs_second_factor(user):
        raise PermissionDenied
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise AlreadySetUpError
        device = _pending_app(user, pk=pending, lock=True)
        if device is None:
            raise NotSetUpError
        refusal = _attempt(device, code)
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(actor=user, event=DEVICE_ADDED({"kind": "totp"}), obj=user)
            codes = _codes_renew(user)
            audit_record(
                actor=user, event=SECOND_FACTOR_PASSED({"kind": "totp"}), obj=user
            )
            return Confirmed(device=device, recovery_codes=codes)
        _record_refusal(user, refusal)
    raise refusal


def second_factor_verify(*, user: User, code: str) -> Passed:
    """Check a code of the user's app, or one of their recovery codes.

    Six digits are the app's code; anything else is taken for a recovery code,
    which is used up when it passes.
    """
    if not needs_second_factor(user):
        raise PermissionDenied
    kind = "totp" if APP_CODE.fullmatch(code) else "recovery_code"
    with transaction.atomic():
        device = _device_for(user, kind)
        if device is None:
            refusal: WrongCodeError | ThrottledError = WrongCodeError(0)
        elif (attempted := _attempt(device, code)) is None:
            passed = _passed(device, kind)
            payload: SecondFactorPassed = {"kind": kind}
            if passed.remaining is not None:
                payload["remaining"] = passed.remaining
            audit_record(actor=user, event=SECOND_FACTOR_PASSED(payload), obj=user)
            return passed
        else:
            refusal = attempted
        _record_refusal(user, refusal)
    raise refusal


def recovery_codes_renew(*, user: User) -> list[str]:
    """Make new recovery codes for the user; the old ones stop working."""
    if not needs_second_factor(user):
        raise PermissionDenied
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise NotSetUpError
        return _codes_renew(user)


def passkey_add(
    *, user: User, helper: Any, state: dict[str, Any], data: Any
) -> WebAuthnCredential:
    """Register the passkey of a registration ceremony the user's browser finished.

    ``helper`` (django-otp-webauthn's) checks the browser's answer against the
    ``state`` this session began with, and stores the credential; an answer that
    does not pass raises the library's ``OTPWebAuthnApiError`` and stores nothing.
    """
    if not needs_second_factor(user):
        raise PermissionDenied
    with transaction.atomic(), rewrite_exceptions(logger=None):
        device: WebAuthnCredential = helper.register_complete(
            user=user, state=state, data=data
        )
        device.name = PASSKEY_NAME
        device.save(update_fields=["name"])
        audit_record(actor=user, event=DEVICE_ADDED({"kind": "passkey"}), obj=user)
    return device


def passkey_verify(
    *, user: User, helper: Any, state: dict[str, Any], data: Any
) -> WebAuthnCredential:
    """Check the passkey the user's browser signed this session's challenge with.

    A passkey of someone else's, an unknown or disabled one, or a signature that
    does not check out is recorded as a failed second factor (its code, never the
    answer) before the library's ``OTPWebAuthnApiError`` is raised. Unlike a code
    a signature cannot be guessed, so passkeys are not throttled.
    """
    if not needs_second_factor(user):
        raise PermissionDenied
    try:
        with transaction.atomic(), rewrite_exceptions(logger=None):
            device: WebAuthnCredential = helper.authenticate_complete(
                user=user, state=state, data=data
            )
            if not device.confirmed:
                raise CredentialDisabled
            audit_record(
                actor=user, event=SECOND_FACTOR_PASSED({"kind": "passkey"}), obj=user
            )
            return device
    except OTPWebAuthnApiError as error:
        audit_record(
            actor=user,
            event=SECOND_FACTOR_FAILED.refused({"code": _passkey_refusal(error)}),
            obj=user,
            result=Result.FAILED,
        )
        raise


def _passkey_refusal(error: OTPWebAuthnApiError) -> str:
    """Say in the audit trail's words why a passkey did not pass."""
    if isinstance(
        error, CredentialNotFound | CredentialUserMismatch | CredentialDisabled
    ):
        return "unknown_passkey"  # none of the user's passkeys that are in use
    if error.code == "invalid_authentication_response":
        return "passkey_refused"  # py_webauthn found the signature or data wrong
    return "malformed_answer"


def recovery_code_add(*, username: str, code: str | None = None) -> str:
    """Give a user one more recovery code, on an operator's command line.

    For the break-glass case the pages cannot serve: a superuser or admin who
    lost their app and codes, with no other superuser to help. The code joins
    the user's recovery codes (made if they have none), works once, and is
    recorded as recovery codes added, without the code; the actor is nobody (the
    command line). Raises ``User.DoesNotExist`` for an unknown username and
    ``ValueError`` for a code that is not 1 to 16 letters and digits.
    """
    if code is not None and not re.fullmatch(r"[A-Za-z0-9]{1,16}", code):
        raise ValueError("a recovery code is 1 to 16 letters and digits")
    with transaction.atomic():
        user = User.objects.select_for_update().get(username=username)
        device = _codes_device(user) or StaticDevice.objects.create(
            user=user, name=CODES_NAME
        )
        token = code or StaticToken.random_token()
        StaticToken.objects.create(device=device, token=token)
        audit_record(
            actor=None, event=DEVICE_ADDED({"kind": "recovery_codes"}), obj=user
        )
    return token


def device_remove(
    *, actor: User, device: TOTPDevice | StaticDevice | WebAuthnCredential
) -> None:
    """Remove a second factor of its user (their own, or in the admin site).

    Recovery codes stand in for an app: when a user's last app goes, their
    codes go with it, and the next page they open sends them to set up a new
    app. A session verified by a removed device is verified no more.
    """
    owner = device.user
    if not may_remove_device(actor, owner):
        raise PermissionDenied
    with transaction.atomic():
        kind = _kind_of(device)
        device.delete()
        audit_record(actor=actor, event=DEVICE_REMOVED({"kind": kind}), obj=owner)
        if kind == "totp" and not TOTPDevice.objects.filter(user=owner).exists():
            for codes in StaticDevice.objects.filter(user=owner):
                codes.delete()
                audit_record(
                    actor=actor,
                    event=DEVICE_REMOVED({"kind": "recovery_codes"}),
                    obj=owner,
                )


def _kind_of(device: TOTPDevice | StaticDevice | WebAuthnCredential) -> str:
    if isinstance(device, TOTPDevice):
        return "totp"
    if isinstance(device, WebAuthnCredential):
        return "passkey"
    return "recovery_codes"


def _pending_app(
    user: User, *, pk: int | None, lock: bool = False
) -> TOTPDevice | None:
    if pk is None:
        return None
    pending = TOTPDevice.objects.filter(user=user, confirmed=False, pk=pk)
    found: TOTPDevice | None = (
        pending.select_for_update() if lock else pending
    ).first()
    return found


def _device_for(user: User, kind: str) -> TOTPDevice | StaticDevice | None:
    """Return the user's device that checks a code of ``kind``, its row locked."""
    model: type[TOTPDevice] | type[StaticDevice] = (
        TOTPDevice if kind == "totp" else StaticDevice
    )
    devices = model.objects.select_for_update().filter(user=user, confirmed=True)
    found: TOTPDevice | StaticDevice | None = devices.order_by("pk").first()
    return found


def _attempt(
    device: TOTPDevice | StaticDevice, code: str
) -> WrongCodeError | ThrottledError | None:
    """Let django-otp check ``code`` on ``device``; return why it did not pass."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return ThrottledError(
            until=info["locked_until"], failures=info["failure_count"]
        )
    if device.verify_token(code):
        return None
    return WrongCodeError(failures=device.throttling_failure_count)


def _passed(device: TOTPDevice | StaticDevice, kind: str) -> Passed:
    if kind == "totp":
        return Passed(device=device, kind=kind)
    left = StaticToken.objects.filter(device=device).count()
    return Passed(device=device, kind=kind, remaining=left)


def _record_refusal(user: User, refusal: WrongCodeError | ThrottledError) -> None:
    """Record a wrong code (failed) or a throttled one (denied), with the count."""
    throttled = isinstance(refusal, ThrottledError)
    audit_record(
        actor=user,
        event=SECOND_FACTOR_FAILED.refused(
            {"code": refusal.code, "failures": refusal.failures}
        ),
        obj=user,
        result=Result.DENIED if throttled else Result.FAILED,
    )


def _codes_device(user: User) -> StaticDevice | None:
    """Return the device of the user's recovery codes, its row locked, if any."""
    found: StaticDevice | None = (
        StaticDevice.objects.select_for_update()
        .filter(user=user)
        .order_by("pk")
        .first()
    )
    return found


def _codes_renew(user: User) -> list[str]:
    """Replace the user's recovery codes by new ones; return them (shown once)."""
    device = _codes_device(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=CODES_NAME)
    else:
        StaticToken.objects.filter(device=device).delete()
        device.created_at = timezone.now()
        device.last_used_at = None
        device.confirmed = True
        device.throttle_reset(commit=False)
        device.save()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    audit_record(actor=user, event=DEVICE_ADDED({"kind": "recovery_codes"}), obj=user)
    return sorted(codes)
