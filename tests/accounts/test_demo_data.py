import os
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import Team, User
from accounts.roles import Role
from audit.models import AuditEvent
from tests.conftest import BASE_DIR


def test_demo_data_gives_one_login_per_role(db, capsys):
    call_command("load_demo_data")
    out = capsys.readouterr().out
    assert {User.objects.get(username=u.username).roles for u in DEMO_USERS} == {
        frozenset({role}) for role in Role
    }
    for demo in DEMO_USERS:
        assert User.objects.get(username=demo.username).check_password(DEMO_PASSWORD)
        assert f"{demo.username} / {DEMO_PASSWORD}" in out


def test_loading_demo_data_twice_duplicates_nothing(db):
    call_command("load_demo_data")
    users, teams = User.objects.count(), Team.objects.count()
    call_command("load_demo_data")
    assert (User.objects.count(), Team.objects.count()) == (users, teams)
    assert users == len(DEMO_USERS)


def test_reloading_keeps_a_changed_password(db):
    call_command("load_demo_data")
    user = User.objects.get(username="medewerker")
    user.set_password("een-ander-wachtwoord")
    user.save()
    call_command("load_demo_data")
    user.refresh_from_db()
    assert user.check_password("een-ander-wachtwoord")


def test_demo_data_is_refused_under_production_settings(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refused under production settings"):
        call_command("load_demo_data")
    assert not User.objects.exists()


# --- The demo's second factor ------------------------------------------------------

PRIVILEGED_DEMO = {"teamleider", "auditor", "beheerder"}


def test_the_demo_team_lead_auditor_and_admin_get_an_app(db, capsys):
    call_command("load_demo_data")
    with_app = set(
        TOTPDevice.objects.filter(confirmed=True).values_list(
            "user__username", flat=True
        )
    )
    assert with_app == PRIVILEGED_DEMO
    keys = dict(TOTPDevice.objects.values_list("user__username", "key"))
    call_command("load_demo_data")
    assert dict(TOTPDevice.objects.values_list("user__username", "key")) == keys
    out = capsys.readouterr().out
    assert "manage.py demo_otp_code USERNAME" in out


def test_demo_otp_code_prints_a_code_that_verifies(client, db, capsys):
    call_command("load_demo_data")
    capsys.readouterr()
    response = client.post(
        reverse("accounts:login"),
        {"username": "teamleider", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    call_command("demo_otp_code", "teamleider")
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code)
    verified = client.post(reverse("accounts:second_factor_verify"), {"code": code})
    assert verified.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200
    lead = User.objects.get(username="teamleider")
    assert AuditEvent.objects.filter(
        action="auth.second_factor_passed", object_id=str(lead.pk)
    ).exists()
    # Asked again at once: the next step's code, which is taken too.
    call_command("demo_otp_code", "teamleider")
    assert capsys.readouterr().out.strip() != code


def test_demo_otp_code_is_only_for_the_demo_users_with_an_app(db):
    call_command("load_demo_data")
    for username in ("medewerker", "iemand-anders"):
        with pytest.raises(
            CommandError, match="no demo user with an authenticator app"
        ):
            call_command("demo_otp_code", username)


def test_demo_otp_code_is_refused_under_production_settings(db):
    call_command("load_demo_data")
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DJANGO_DEMO_DATA_ALLOWED"
    }
    env["DJANGO_SETTINGS_MODULE"] = "uwvrec.settings.base"
    result = subprocess.run(
        [sys.executable, "manage.py", "demo_otp_code", "teamleider"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "refused under production settings" in result.stderr
    assert not re.search(r"^\d{6}$", result.stdout, re.M)
