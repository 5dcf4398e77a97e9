import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

LOGIN = reverse("accounts:login")
HOME = reverse("accounts:home")
ADMIN = reverse("admin:index")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", [HOME, ADMIN, reverse("admin:accounts_user_changelist")]
)
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] in {f"{LOGIN}?next={url}", f"/beheer/login/?next={url}"}


def test_login_page_is_dutch_by_default(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'lang="nl"' in response.text
    assert "Log in met uw UWV-gebruikersnaam en wachtwoord." in response.text


def test_wrong_password_gives_a_clear_dutch_message(client, employee):
    response = client.post(LOGIN, {"username": employee.username, "password": "fout"})
    assert response.status_code == 200
    assert "Inloggen is niet gelukt" in response.text
    assert "De gebruikersnaam of het wachtwoord klopt niet." in response.text
    assert "_auth_user_id" not in client.session


def test_login_leads_to_the_home_page(client, employee):
    response = client.post(
        LOGIN, {"username": employee.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == HOME


@pytest.mark.parametrize(
    ("persona", "label"),
    [
        ("employee", "medewerker"),
        ("team_lead", "teamleider"),
        ("auditor", "auditor"),
        ("admin_user", "functioneel beheerder"),
    ],
)
def test_home_page_shows_who_you_are(client, request, persona, label):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    assert f"Welkom, {user.get_full_name()}" in response.text
    assert f'data-testid="roles">{label}</dd>' in response.text


@pytest.mark.parametrize("persona", ["employee", "team_lead", "auditor"])
def test_home_page_offers_no_admin_link_to_others(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert ADMIN not in client.get(HOME).text


def test_home_page_links_admins_to_the_admin_site(client, admin_user):
    client.force_login(admin_user)
    assert f'href="{ADMIN}"' in client.get(HOME).text


@pytest.mark.parametrize("persona", ["employee", "team_lead", "auditor"])
def test_admin_site_is_only_for_admins(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith("/beheer/login/")


def test_staff_flag_alone_does_not_open_the_admin_site(client, db):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(ADMIN).status_code == 302


def test_admins_manage_users_and_teams(client, admin_user):
    client.force_login(admin_user)
    assert client.get(ADMIN).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_team_add")).status_code == 200


def test_logout_ends_the_session(client, employee):
    client.force_login(employee)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(HOME).status_code == 302


def test_idle_session_expires_after_thirty_minutes(client, employee):
    client.force_login(employee)
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(minutes=29)):
        assert client.get(HOME).status_code == 200
    # Each request renews the session: 29 minutes after the last one it still lives.
    with time_machine.travel(start + dt.timedelta(minutes=58)):
        assert client.get(HOME).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=89)):
        response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_language_switch_shows_english(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": HOME}, follow=True
    )
    assert 'lang="en"' in response.text
    assert f"Welcome, {employee.get_full_name()}" in response.text
    assert 'data-testid="roles">employee</dd>' in response.text


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_a_session_is_renewed_at_most_once_a_minute(client, employee):
    from django.contrib.sessions.models import Session

    client.force_login(employee)
    start = timezone.now()

    def expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    with time_machine.travel(start + dt.timedelta(seconds=5)):
        client.get(HOME)
    renewed = expiry()
    with time_machine.travel(start + dt.timedelta(seconds=50)):
        client.get(HOME)
    assert expiry() == renewed  # no write for a request within the minute
    with time_machine.travel(start + dt.timedelta(seconds=70)):
        client.get(HOME)
    # Renewed 65 s later (give or take the clock ticking while the test runs).
    assert abs(expiry() - renewed - dt.timedelta(seconds=65)) < dt.timedelta(seconds=1)
