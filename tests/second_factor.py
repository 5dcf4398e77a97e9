"""The tests' one way to a verified session, and the codes an app would show.

A team lead, auditor, admin or superuser reaches no page before their session
passed its second factor (``accounts.middleware.SecondFactorMiddleware``, never
switched off in the tests). ``verify_session`` gives such a user a real
authenticator app (django-otp's TOTP device, with a random secret) and marks the
session verified by it through ``django_otp.login``, as the verify page does
after a right code. ``StaffClient.force_login`` does so for every user who
needs it; ``force_login(user, second_factor=False)`` leaves the session where a
password login leaves it. ``app_code`` computes, from the device's key, the code
its app would show now (``django_otp.oath``), for the tests that type it.
"""

from __future__ import annotations

import secrets
import time
from importlib import import_module
from typing import Any

import django_otp
from django.conf import settings
from django.http import HttpRequest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.access import needs_second_factor
from accounts.models import User


def authenticator_for(user: User) -> TOTPDevice:
    """Return the user's confirmed authenticator app; give them one if they lack it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator-app", confirmed=True
        )
    return device


def passkey_for(user: User) -> WebAuthnCredential:
    """Give the user a passkey as the library stores one (its key never checked).

    For the pages that list and remove passkeys; a ceremony that checks one
    needs an authenticator: the browser tests use Chromium's virtual one.
    """
    credential_id = secrets.token_bytes(32)
    return WebAuthnCredential.objects.create(
        user=user,
        name="Passkey",
        confirmed=True,
        credential_id=credential_id,
        public_key=secrets.token_bytes(77),
        aaguid="00000000-0000-0000-0000-000000000000",
        transports=["internal"],
    )


def verify_session(session_key: str, user: User) -> TOTPDevice:
    """Mark the session ``session_key`` of ``user`` verified by their app."""
    device = authenticator_for(user)
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    request.user = user
    django_otp.login(request, device)
    request.session.save()
    assert request.session[django_otp.DEVICE_ID_SESSION_KEY] == device.persistent_id
    return device


class StaffClient(Client):
    """Django's test client, whose ``force_login`` passes the second factor too."""

    def force_login(
        self, user: Any, backend: str | None = None, *, second_factor: bool = True
    ) -> None:
        super().force_login(user, backend)
        if second_factor and needs_second_factor(user):
            verify_session(self.session.session_key or "", user)


def app_code(device: TOTPDevice) -> str:
    """Return the code the app of ``device`` shows now, as django-otp will take it.

    A code is taken once per 30-second step, and one step ahead too: when this
    step's code was used already, the next step's is returned; when that was
    used as well, this waits for the next step.
    """
    while True:
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = time.time()
        for ahead in (0, 1):
            totp.time = now + ahead * device.step
            if totp.t() > device.last_t:
                return f"{totp.token():0{device.digits}d}"
        time.sleep(device.step - (now - device.t0) % device.step + 0.05)
