"""The second factor of team leads, auditors, admins and superusers, end to end.

A password login here leaves a privileged session unverified: it reaches only the
step it is at (entering a code, or setting up an app) until a code passes. Each
code passed, refused or throttled, each app set up and each device removed is in
the audit trail, never with the code or the secret.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.second_factor import IDP_MFA_SESSION_KEY, session_is_verified
from accounts.services.second_factor import recovery_codes_renew
from audit.models import AuditEvent
from tests.accounts.test_sso import person, sign_in

# The SSO tests' fixtures: uwvrec configured for the test provider, and a team.
from tests.accounts.test_sso import sso as provider  # noqa: F401 - a fixture
from tests.accounts.test_sso import team as idp_team  # noqa: F401 - a fixture
from tests.factories import UserFactory
from tests.second_factor import StaffClient, app_code, authenticator_for

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGIN = reverse("accounts:login")
HOME = reverse("accounts:home")
VERIFY = reverse("accounts:second_factor_verify")
SETUP = reverse("accounts:second_factor_setup")
QR = reverse("accounts:second_factor_qr")
CODES = reverse("accounts:recovery_codes")
MANAGE = reverse("accounts:second_factor")
REMOVE = reverse("accounts:authenticator_remove")
CONVERSATIONS = reverse("conversations:list")


def _log_in(client, user, next_url=""):
    """Log in with the password, as on the login page; return the response."""
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN, data)
    assert response.status_code == 302, response.content
    return response


def _events(action, user):
    return list(
        AuditEvent.objects.filter(action=action, object_id=str(user.pk)).order_by("id")
    )


def _second_factor_events(user):
    return list(
        AuditEvent.objects.filter(
            action__in=[
                "auth.device_added",
                "auth.device_removed",
                "auth.second_factor_passed",
                "auth.second_factor_failed",
            ],
            object_id=str(user.pk),
        ).order_by("id")
    )


def _summary(events):
    return [(e.action, e.result, e.data) for e in events]


def _secret_on(page: str) -> bytes:
    found = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page)
    assert found, "the set-up page shows no secret"
    return base64.b32decode(found[1].replace(" ", ""))


def _code_of(key: bytes) -> str:
    return f"{TOTP(key).token():06d}"


@pytest.fixture
def lead_with_app(team_lead):
    authenticator_for(team_lead)
    return team_lead


# --- Logging in --------------------------------------------------------------------


def test_a_team_lead_with_an_app_is_asked_for_a_code_before_any_page(
    client, lead_with_app
):
    _log_in(client, lead_with_app, next_url=CONVERSATIONS)
    response = client.get(CONVERSATIONS)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == VERIFY
    assert parse_qs(location.query) == {"next": [CONVERSATIONS]}
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Vul de code in die uw authenticator-app nu bij uwvrec toont" in page.text
    # No menu leads elsewhere while the step is not done.
    assert 'aria-label="Hoofdmenu"' not in page.text


def test_the_right_code_verifies_the_session_and_leads_on(client, lead_with_app):
    _log_in(client, lead_with_app)
    key_before = client.session.session_key
    device = TOTPDevice.objects.get(user=lead_with_app)
    code = app_code(device)
    response = client.post(VERIFY, {"code": code, "next": CONVERSATIONS})
    assert response.status_code == 302
    assert response["Location"] == CONVERSATIONS
    assert client.get(CONVERSATIONS).status_code == 200
    # The verified session has a key of its own: one known before is worth nothing.
    assert client.session.session_key != key_before
    assert _summary(_second_factor_events(lead_with_app)) == [
        ("auth.second_factor_passed", "success", {"kind": "totp"})
    ]
    device.refresh_from_db()
    assert device.last_used_at is not None


def test_a_code_typed_with_spaces_passes(client, lead_with_app):
    _log_in(client, lead_with_app)
    code = app_code(TOTPDevice.objects.get(user=lead_with_app))
    response = client.post(VERIFY, {"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_is_refused_in_dutch_and_recorded(client, lead_with_app):
    _log_in(client, lead_with_app)
    device = TOTPDevice.objects.get(user=lead_with_app)
    response = client.post(VERIFY, {"code": _wrong(device)})
    assert response.status_code == 200
    assert "Deze code klopt niet." in response.text
    assert client.get(HOME).status_code == 302
    (event,) = _events("auth.second_factor_failed", lead_with_app)
    assert event.result == "failed"
    assert event.data == {"code": "wrong_code", "failures": 1}
    assert event.actor_id == lead_with_app.pk


def _wrong(device):
    return f"{(int(app_code(device)) + 1) % 1_000_000:06d}"


def test_after_wrong_codes_even_the_right_one_waits(client, lead_with_app):
    _log_in(client, lead_with_app)
    device = TOTPDevice.objects.get(user=lead_with_app)
    start = timezone.now()

    def at(seconds, code_of):
        with time_machine.travel(start + dt.timedelta(seconds=seconds), tick=False):
            return client.post(VERIFY, {"code": code_of(device)})

    at(0, _wrong)  # 1 wrong: the next code waits 1 s
    throttled = at(0.5, app_code)
    assert "Wacht 1 seconde en probeer het dan opnieuw." in throttled.text
    at(1.5, _wrong)  # 2 wrong in a row: 2 s
    throttled = at(2, app_code)
    assert "Wacht 2 seconden en probeer het dan opnieuw." in throttled.text
    assert client.get(HOME).status_code == 302
    assert at(10, app_code).status_code == 302
    failed = [
        (e.result, e.data) for e in _events("auth.second_factor_failed", lead_with_app)
    ]
    assert failed == [
        ("failed", {"code": "wrong_code", "failures": 1}),
        ("denied", {"code": "throttled", "failures": 1}),
        ("failed", {"code": "wrong_code", "failures": 2}),
        ("denied", {"code": "throttled", "failures": 2}),
    ]


def test_a_long_wait_is_told_in_minutes(client, lead_with_app):
    _log_in(client, lead_with_app)
    device = TOTPDevice.objects.get(user=lead_with_app)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    response = client.post(VERIFY, {"code": app_code(device)})
    assert "Wacht 9 minuten en probeer het dan opnieuw." in response.text


def test_throttling_is_off_with_a_factor_of_zero(client, lead_with_app, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _log_in(client, lead_with_app)
    for _ in range(3):
        client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": app_code(TOTPDevice.objects.get())})
    assert response.status_code == 302


def test_a_recovery_code_passes_once(client, lead_with_app):
    codes = recovery_codes_renew(user=lead_with_app)
    _log_in(client, lead_with_app)
    response = client.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302
    home = client.get(HOME)
    assert home.status_code == 200
    assert "U hebt er nog 9 over." in home.text
    client.post(reverse("accounts:logout"))

    _log_in(client, lead_with_app)
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200
    assert "Deze herstelcode klopt niet, of is al gebruikt." in again.text
    assert _summary(_second_factor_events(lead_with_app))[-2:] == [
        (
            "auth.second_factor_passed",
            "success",
            {"kind": "recovery_code", "remaining": 9},
        ),
        ("auth.second_factor_failed", "failed", {"code": "wrong_code", "failures": 1}),
    ]


def test_text_that_is_no_code_is_refused_before_any_device_counts(
    client, lead_with_app
):
    _log_in(client, lead_with_app)
    response = client.post(VERIFY, {"code": "12345"})
    assert "Vul de 6 cijfers in die uw authenticator-app nu toont" in response.text
    response = client.post(VERIFY, {"code": ""})
    assert "Vul de code uit uw authenticator-app in, of een herstelcode." in (
        response.text
    )
    assert _events("auth.second_factor_failed", lead_with_app) == []


def test_an_employee_is_not_asked_for_a_second_factor(client, employee):
    _log_in(client, employee)
    assert client.get(HOME).status_code == 200
    assert client.get(CONVERSATIONS).status_code == 200
    assert client.get(VERIFY).status_code == 403
    assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.filter(user=employee).exists()


@pytest.mark.parametrize("persona", ["auditor", "admin_user"])
def test_auditors_and_admins_pass_one_too(client, request, persona):
    user = request.getfixturevalue(persona)
    authenticator_for(user)
    _log_in(client, user)
    assert urlsplit(client.get(HOME)["Location"]).path == VERIFY


def test_a_superuser_passes_one_too(client):
    superuser = UserFactory(is_superuser=True, is_staff=True, team=None)
    _log_in(client, superuser)
    assert urlsplit(client.get(HOME)["Location"]).path == SETUP


def test_an_htmx_request_gets_hx_redirect_to_the_step(client, lead_with_app):
    _log_in(client, lead_with_app)
    response = client.get(
        reverse("violations:notification_count"),
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/overtredingen/",
        },
    )
    assert response.status_code == 200
    assert response.content == b""
    redirect = urlsplit(response["HX-Redirect"])
    assert redirect.path == VERIFY
    assert parse_qs(redirect.query) == {"next": ["/overtredingen/"]}


def test_the_identity_providers_mfa_counts_as_verified(client, team_lead):
    client.force_login(team_lead, second_factor=False)
    session = client.session
    session[IDP_MFA_SESSION_KEY] = "true"  # only True counts
    session.save()
    assert client.get(HOME).status_code == 302
    session[IDP_MFA_SESSION_KEY] = True
    session.save()
    assert client.get(HOME).status_code == 200
    assert "U bent ingelogd met uw UWV-account" in client.get(MANAGE).text


# --- The admin site ----------------------------------------------------------------


def test_the_admin_site_refuses_an_unverified_admin(client, admin_user):
    authenticator_for(admin_user)
    client.force_login(admin_user, second_factor=False)
    response = client.get(reverse("admin:index"))
    assert urlsplit(response["Location"]).path == VERIFY
    # The site asks too, whatever sits in front of it.
    request = RequestFactory().get("/beheer/")
    request.user = admin_user
    request.session = client.session
    assert not session_is_verified(request)
    assert not admin.site.has_permission(request)
    request.session[IDP_MFA_SESSION_KEY] = True
    assert admin.site.has_permission(request)


def test_the_admin_sites_login_page_is_no_way_around_it(client, admin_user):
    authenticator_for(admin_user)
    response = client.post(
        reverse("admin:login") + "?next=/beheer/",
        {"username": admin_user.username, "password": PASSWORD, "next": "/beheer/"},
    )
    assert response.status_code == 302
    after = client.get("/beheer/")
    assert urlsplit(after["Location"]).path == VERIFY
    assert client.get(reverse("admin:login")).status_code == 302
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


# --- Setting up an app -------------------------------------------------------------


def test_a_team_lead_without_an_app_sets_one_up_first(client, team_lead):
    _log_in(client, team_lead, next_url=CONVERSATIONS)
    response = client.get(CONVERSATIONS)
    assert urlsplit(response["Location"]).path == SETUP
    page = client.get(response["Location"])
    assert "Voor uw rol is inloggen met alleen een wachtwoord niet genoeg" in page.text
    key = _secret_on(page.text)
    # The same secret on a second look: an app that scanned it keeps working.
    assert _secret_on(client.get(SETUP).text) == key
    qr = client.get(QR)
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")
    assert b"style=" not in qr.content

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        wrong = client.post(SETUP, {"code": f"{(int(_code_of(key)) + 5) % 10**6:06d}"})
    assert "Deze code klopt niet." in wrong.text
    # A person types the right code some seconds later (after 1 s it is checked).
    with time_machine.travel(start + dt.timedelta(seconds=3)):
        confirmed = client.post(SETUP, {"code": _code_of(key), "next": CONVERSATIONS})
    assert urlsplit(confirmed["Location"]).path == CODES
    shown = client.get(confirmed["Location"])
    codes = re.findall(r"<li>([a-z2-7]{4} [a-z2-7]{4})</li>", shown.text)
    assert len(codes) == 10
    assert "U ziet deze codes maar één keer" in shown.text
    assert f'href="{CONVERSATIONS}"' in shown.text
    # Once: the page shows how many are left, never the codes again.
    again = client.get(CODES).text
    assert codes[0] not in again
    assert "U hebt nog 10 herstelcodes over." in again
    assert client.get(CONVERSATIONS).status_code == 200

    device = TOTPDevice.objects.get(user=team_lead)
    assert device.confirmed
    assert device.bin_key == key
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(
        code.replace(" ", "") for code in codes
    )
    assert _summary(_second_factor_events(team_lead)) == [
        ("auth.second_factor_failed", "failed", {"code": "wrong_code", "failures": 1}),
        ("auth.device_added", "success", {"kind": "totp"}),
        ("auth.device_added", "success", {"kind": "recovery_codes"}),
        ("auth.second_factor_passed", "success", {"kind": "totp"}),
    ]
    trail = " ".join(str(e.data) for e in AuditEvent.objects.all())
    assert _code_of(key) not in trail
    assert device.key not in trail
    assert codes[0].replace(" ", "") not in trail


def session_is_verified_for(client) -> bool:
    return client.get(CONVERSATIONS).status_code == 200


def test_a_secret_being_set_up_is_shown_to_one_session_only(team_lead):
    # Someone else who knows the password opens the set-up page first...
    intruder, owner = StaffClient(), StaffClient()
    _log_in(intruder, team_lead)
    seen_by_intruder = _secret_on(intruder.get(SETUP).text)
    # ...then the team lead sets up their phone: another secret.
    _log_in(owner, team_lead)
    key = _secret_on(owner.get(SETUP).text)
    assert key != seen_by_intruder
    assert intruder.get(QR).status_code == 404

    confirmed = owner.post(SETUP, {"code": _code_of(key)})
    assert confirmed.status_code == 302
    (app,) = TOTPDevice.objects.filter(user=team_lead)
    assert app.confirmed
    assert app.bin_key == key
    # The secret the other session saw gives no way in.
    assert urlsplit(intruder.get(SETUP)["Location"]).path == VERIFY
    refused = intruder.post(VERIFY, {"code": _code_of(seen_by_intruder)})
    assert refused.status_code == 200
    assert not session_is_verified_for(intruder)


def test_an_unverified_user_with_an_app_cannot_set_up_another(client, lead_with_app):
    _log_in(client, lead_with_app)
    assert urlsplit(client.get(SETUP)["Location"]).path == VERIFY
    assert urlsplit(client.get(QR)["Location"]).path == VERIFY
    assert urlsplit(client.post(REMOVE)["Location"]).path == VERIFY
    assert TOTPDevice.objects.filter(user=lead_with_app).count() == 1


def test_a_verified_user_with_an_app_is_sent_to_manage_it(client, lead_with_app):
    client.force_login(lead_with_app)
    response = client.get(SETUP)
    assert response["Location"] == MANAGE
    assert client.get(QR).status_code == 404


# --- Managing it -------------------------------------------------------------------


def test_the_page_lists_the_app_and_codes_in_dutch_time(client, lead_with_app):
    made = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(made, tick=False):
        TOTPDevice.objects.filter(user=lead_with_app).update(created_at=made)
        recovery_codes_renew(user=lead_with_app)
    client.force_login(lead_with_app)
    page = client.get(MANAGE).text
    assert page.count("1 december 2026, 09:00") == 2
    assert "nog niet" in page
    assert "10 codes" in page


def test_new_recovery_codes_replace_the_old_ones(client, lead_with_app):
    old = recovery_codes_renew(user=lead_with_app)
    client.force_login(lead_with_app)
    response = client.post(CODES)
    assert response["Location"] == CODES
    new = re.findall(r"<li>([a-z2-7]{4} [a-z2-7]{4})</li>", client.get(CODES).text)
    assert len(new) == 10
    tokens = set(StaticToken.objects.values_list("token", flat=True))
    assert tokens == {code.replace(" ", "") for code in new}
    assert not tokens & set(old)
    assert StaticDevice.objects.filter(user=lead_with_app).count() == 1
    added = _events("auth.device_added", lead_with_app)
    assert [e.data for e in added] == [{"kind": "recovery_codes"}] * 2


def test_removing_the_app_sends_the_next_page_to_set_up_again(client, lead_with_app):
    recovery_codes_renew(user=lead_with_app)
    client.force_login(lead_with_app)
    assert "Wilt u de authenticator-app verwijderen" in client.get(REMOVE).text
    response = client.post(REMOVE)
    assert response["Location"] == MANAGE
    following = client.get(MANAGE)
    assert urlsplit(following["Location"]).path == SETUP
    assert "zijn verwijderd" in client.get(following["Location"]).text
    assert not TOTPDevice.objects.filter(user=lead_with_app, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=lead_with_app).exists()
    assert _summary(_events("auth.device_removed", lead_with_app)) == [
        ("auth.device_removed", "success", {"kind": "totp"}),
        ("auth.device_removed", "success", {"kind": "recovery_codes"}),
    ]


def test_after_an_admin_removed_a_lost_app_a_recovery_code_leads_to_a_new_one(
    client, lead_with_app
):
    codes = recovery_codes_renew(user=lead_with_app)
    TOTPDevice.objects.filter(user=lead_with_app).delete()  # only codes are left
    _log_in(client, lead_with_app)
    assert urlsplit(client.get(HOME)["Location"]).path == VERIFY
    response = client.post(VERIFY, {"code": codes[3]})
    assert urlsplit(response["Location"]).path == SETUP
    assert client.get(SETUP).status_code == 200


# --- Removing a device in the admin site ---------------------------------------------


def test_an_admin_removes_a_team_leads_app_in_the_admin_site(
    client, admin_user, lead_with_app
):
    recovery_codes_renew(user=lead_with_app)
    app = TOTPDevice.objects.get(user=lead_with_app)
    client.force_login(admin_user)
    url = reverse("admin:accounts_authenticatorapp_delete", args=[app.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert f"herstelcodes van {lead_with_app}" in confirm.text
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=lead_with_app).exists()
    assert not StaticDevice.objects.filter(user=lead_with_app).exists()
    removed = _events("auth.device_removed", lead_with_app)
    assert [(e.actor_id, e.data) for e in removed] == [
        (admin_user.pk, {"kind": "totp"}),
        (admin_user.pk, {"kind": "recovery_codes"}),
    ]
    assert AuditEvent.objects.filter(action="admin.object_deleted").exists()


def test_an_admin_does_not_remove_another_admins_app(client, admin_user):
    other = UserFactory(admin=True)
    app = authenticator_for(other)
    client.force_login(admin_user)
    url = reverse("admin:accounts_authenticatorapp_delete", args=[app.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert TOTPDevice.objects.filter(pk=app.pk).exists()


def test_the_admin_site_never_shows_a_secret(client, admin_user, lead_with_app):
    app = TOTPDevice.objects.get(user=lead_with_app)
    codes = recovery_codes_renew(user=lead_with_app)
    client.force_login(admin_user)
    pages = [
        reverse("admin:accounts_authenticatorapp_changelist"),
        reverse("admin:accounts_authenticatorapp_change", args=[app.pk]),
        reverse("admin:accounts_recoverycodes_changelist"),
        reverse(
            "admin:accounts_recoverycodes_change",
            args=[StaticDevice.objects.get(user=lead_with_app).pk],
        ),
    ]
    secret = base64.b32encode(app.bin_key).decode()
    for page in pages:
        text = client.get(page).text
        assert app.key not in text
        assert secret not in text
        assert not any(code in text for code in codes)
    assert "10" in client.get(pages[2]).text


def test_only_whoever_needs_one_gets_a_staff_client_verified(db):
    employee = UserFactory()
    client = StaffClient()
    client.force_login(employee)
    assert not TOTPDevice.objects.filter(user=employee).exists()


def test_the_trail_tells_the_second_factors_events_in_dutch(client, lead_with_app):
    _log_in(client, lead_with_app)
    client.post(VERIFY, {"code": _wrong(TOTPDevice.objects.get(user=lead_with_app))})
    client.post(reverse("accounts:logout"))
    recovery_codes_renew(user=lead_with_app)
    auditor = UserFactory(auditor=True)
    client.force_login(auditor)
    (failed,) = _events("auth.second_factor_failed", lead_with_app)
    page = client.get(reverse("audit:event", args=[failed.pk])).text
    assert "onjuiste code" in page
    assert "wrong_code" not in page
    (added,) = _events("auth.device_added", lead_with_app)
    page = client.get(reverse("audit:event", args=[added.pk])).text
    assert "herstelcodes" in page
    assert "recovery_codes" not in page


# --- After a login through the identity provider ------------------------------------


@pytest.mark.parametrize("trusted", [True, False])
def test_an_sso_login_of_a_team_lead_passes_the_second_factor_only_when_trusted(
    client, request, settings, trusted
):
    settings.OIDC_TRUSTS_IDP_MFA = trusted
    sso = request.getfixturevalue("provider")
    request.getfixturevalue("idp_team")
    username = person(sso, f"lead-{trusted}", roles=["uwvrec.teamleider"])
    answer, _ = sign_in(client, sso, username, next_url=CONVERSATIONS)
    assert answer["Location"] == CONVERSATIONS
    response = client.get(CONVERSATIONS)
    if trusted:
        assert response.status_code == 200
        assert "U bent ingelogd met uw UWV-account" in client.get(MANAGE).text
    else:
        # Without the IdP's MFA trusted, a second factor here: set up an app.
        assert urlsplit(response["Location"]).path == SETUP
        page = client.get(SETUP).text
        assert "naast uw UWV-account ook een tweede factor" in page
        assert "wachtwoord" not in page
