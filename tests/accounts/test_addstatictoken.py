"""``manage.py addstatictoken``: the operator's break-glass recovery code, audited."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command, get_commands
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def test_the_command_is_uwvrecs_own():
    assert get_commands()["addstatictoken"] == "accounts"


def test_an_operator_gives_a_lost_superuser_a_code_that_logs_in_once(client, capsys):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    call_command("addstatictoken", superuser.username)
    code = capsys.readouterr().out.strip()
    assert StaticToken.objects.filter(device__user=superuser, token=code).exists()
    event = AuditEvent.objects.get(
        action="auth.device_added", object_id=str(superuser.pk)
    )
    assert (event.actor_id, event.data) == (None, {"kind": "recovery_codes"})
    assert code not in str(event.data)
    client.post("/inloggen/", {"username": superuser.username, "password": PASSWORD})
    response = client.post("/tweede-factor/controleren/", {"code": code})
    assert response.status_code == 302
    assert not StaticToken.objects.filter(token=code).exists()  # used up


def test_a_given_code_joins_the_users_recovery_codes(capsys):
    user = UserFactory(team_lead=True)
    call_command("addstatictoken", "-t", "abcd1234", user.username)
    assert capsys.readouterr().out.strip() == "abcd1234"
    (device,) = StaticDevice.objects.filter(user=user)
    call_command("addstatictoken", user.username)
    assert StaticToken.objects.filter(device=device).count() == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nobody-here"], "no user 'nobody-here'"),
        (["-t", "no spaces!", "{user}"], "1 to 16 letters and digits"),
        (["-t", "x" * 17, "{user}"], "1 to 16 letters and digits"),
    ],
)
def test_a_bad_call_is_a_clear_error_and_adds_nothing(arguments, message):
    user = UserFactory(team_lead=True)
    with pytest.raises(CommandError, match=message):
        call_command(
            "addstatictoken", *[a.format(user=user.username) for a in arguments]
        )
    assert not StaticToken.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.device_added").exists()


def test_the_libraries_own_device_admins_are_off_the_site():
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        assert not admin.site.is_registered(model)
