"""Passkeys as a second factor, over HTTP: where they are offered, who may add,
use and remove one, what is audited, and what a bad answer gets.

A whole ceremony needs an authenticator that signs: the browser tests
(``tests/e2e/test_passkeys_in_browser.py``) use Chromium's virtual one. Here the
passkeys are stored as the library stores them (``tests.second_factor.passkey_for``).
"""

from __future__ import annotations

import base64
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from accounts.second_factor import IDP_MFA_SESSION_KEY
from audit.models import AuditEvent
from tests.factories import UserFactory
from tests.second_factor import StaffClient, authenticator_for, passkey_for

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


LOGIN = reverse("accounts:login")
MANAGE = reverse("accounts:second_factor")
VERIFY = reverse("accounts:second_factor_verify")
SETUP = reverse("accounts:second_factor_setup")
ADD_BEGIN = reverse("accounts:passkey_add_begin")
ADD_COMPLETE = reverse("accounts:passkey_add_complete")
VERIFY_BEGIN = reverse("accounts:passkey_verify_begin")
VERIFY_COMPLETE = reverse("accounts:passkey_verify_complete")
CATALOG = reverse("accounts:passkey_catalog")
JSON = "application/json"


def _log_in(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _events(action, user):
    return [
        (e.result, e.data)
        for e in AuditEvent.objects.filter(
            action=action, object_id=str(user.pk)
        ).order_by("id")
    ]


@pytest.fixture
def lead_with_passkey(team_lead):
    authenticator_for(team_lead)
    passkey_for(team_lead)
    return team_lead


@pytest.fixture
def staff_client():
    return StaffClient()


# --- Where they are offered ----------------------------------------------------------


def test_the_page_offers_a_verified_lead_to_add_a_passkey(staff_client, team_lead):
    staff_client.force_login(team_lead)
    page = staff_client.get(MANAGE).text
    assert '<h2 class="h4 mt-4">Passkeys</h2>' in page
    assert "U hebt geen passkeys." in page
    assert 'id="passkey-register-button"' in page
    config = _config_on(page)
    assert config["beginRegistrationUrl"] == ADD_BEGIN
    assert config["completeRegistrationUrl"] == ADD_COMPLETE
    # The strict CSP holds: no script runs from the page itself, only files.
    assert _inline_scripts(page) == []
    assert "django_otp_webauthn/otp_webauthn_register.js" in page


def test_on_another_host_than_the_relying_party_passkeys_are_absent(
    staff_client, lead_with_passkey, settings
):
    settings.OTP_WEBAUTHN_RP_ID = "uwvrec.example.nl"
    staff_client.force_login(lead_with_passkey)
    assert "Passkey" not in staff_client.get(MANAGE).text
    for url in (ADD_BEGIN, ADD_COMPLETE, VERIFY_BEGIN, VERIFY_COMPLETE):
        assert staff_client.post(url).status_code == 404
    assert staff_client.get(CATALOG).status_code == 404
    passkey = WebAuthnCredential.objects.get(user=lead_with_passkey)
    remove = reverse("accounts:passkey_remove", args=[passkey.pk])
    assert staff_client.get(remove).status_code == 404


def test_without_a_relying_party_passkeys_are_absent(
    staff_client, lead_with_passkey, settings
):
    settings.OTP_WEBAUTHN_RP_ID = ""
    staff_client.force_login(lead_with_passkey)
    assert "Passkey" not in staff_client.get(MANAGE).text
    assert staff_client.post(VERIFY_BEGIN).status_code == 404


def test_the_code_page_offers_a_passkey_only_to_who_has_one(client, team_lead):
    authenticator_for(team_lead)
    _log_in(client, team_lead)
    page = client.get(VERIFY).text
    assert "Passkey gebruiken" not in page
    assert 'id="otp_webauthn_config"' not in page
    passkey_for(team_lead)
    page = client.get(VERIFY).text
    assert "Passkey gebruiken" in page
    assert _config_on(page)["completeAuthenticationUrl"] == VERIFY_COMPLETE
    assert _inline_scripts(page) == []


def test_the_scripts_texts_are_dutch(client):
    client.force_login(UserFactory())
    text = client.get(CATALOG, HTTP_ACCEPT_LANGUAGE="nl").text
    assert "Controleren afgebroken." in text
    assert "Uw passkey is toegevoegd." in text


# --- Who may add and use one ---------------------------------------------------------


def test_a_lead_begins_adding_a_passkey_for_uwvrec(staff_client, team_lead):
    staff_client.force_login(team_lead)
    response = staff_client.post(ADD_BEGIN)
    assert response.status_code == 200
    options = response.json()
    assert options["rp"] == {"name": "uwvrec", "id": "testserver"}
    assert options["user"]["name"] == team_lead.username
    assert options["challenge"]


def test_an_employee_neither_adds_nor_uses_a_passkey(client, employee):
    client.force_login(employee)
    for url in (ADD_BEGIN, VERIFY_BEGIN):
        response = client.post(url)
        assert response.status_code == 403
        assert response["Content-Type"] == JSON
    assert not WebAuthnCredential.objects.filter(user=employee).exists()


def test_a_session_that_did_not_pass_its_second_factor_adds_no_passkey(
    client, lead_with_passkey
):
    _log_in(client, lead_with_passkey)
    response = client.post(ADD_BEGIN)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_a_passkey_is_no_login_of_its_own(client):
    response = client.post(VERIFY_BEGIN)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_an_sso_session_trusted_for_the_idps_mfa_adds_no_passkey(team_lead):
    client = Client()  # its session passed no second factor of uwvrec's own
    client.force_login(team_lead)
    session = client.session
    session[IDP_MFA_SESSION_KEY] = True
    session.save()
    assert "passkey-register-button" not in client.get(MANAGE).text
    assert client.post(ADD_BEGIN).status_code == 403


def test_a_lead_with_only_a_passkey_is_asked_for_it_not_for_a_new_app(
    client, team_lead, settings
):
    passkey_for(team_lead)
    _log_in(client, team_lead)
    assert client.get(MANAGE)["Location"].startswith(VERIFY)
    # Where passkeys are not offered, that passkey cannot pass: a new app it is.
    settings.OTP_WEBAUTHN_RP_ID = "uwvrec.example.nl"
    assert client.get(MANAGE)["Location"].startswith(SETUP)


# --- A bad answer --------------------------------------------------------------------


def test_an_answer_without_a_ceremony_begun_is_refused_and_changes_nothing(
    client, lead_with_passkey
):
    _log_in(client, lead_with_passkey)
    response = client.post(VERIFY_COMPLETE, "{}", content_type=JSON)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"
    assert _still_asked_for_a_code(client)


UNKNOWN_PASSKEY = json.dumps(
    {
        "id": _b64(b"no such passkey!"),
        "rawId": _b64(b"no such passkey!"),
        "type": "public-key",
        "response": {
            "authenticatorData": _b64(bytes(37)),
            "clientDataJSON": _b64(b'{"type": "webauthn.get"}'),
            "signature": _b64(b"signature"),
        },
    }
)


@pytest.mark.parametrize(
    ("answer", "refusal", "audited"),
    [
        ("{}", "invalid_json_structure", "malformed_answer"),
        (
            json.dumps({"id": "AAAA", "rawId": "AAAA", "type": "public-key"}),
            "invalid_json_structure",
            "malformed_answer",
        ),
        (UNKNOWN_PASSKEY, "credential_not_found", "unknown_passkey"),
        (json.dumps([1, 2, 3]), "invalid_json_structure", "malformed_answer"),
    ],
    ids=["empty", "no-response", "unknown-passkey", "a-list"],
)
def test_a_broken_answer_to_a_begun_ceremony_is_refused_and_audited(
    client, lead_with_passkey, answer, refusal, audited
):
    _log_in(client, lead_with_passkey)
    assert client.post(VERIFY_BEGIN).status_code == 200
    response = client.post(VERIFY_COMPLETE, answer, content_type=JSON)
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"] == JSON
    assert response.json()["code"] == refusal
    assert _still_asked_for_a_code(client)
    assert _events("auth.second_factor_failed", lead_with_passkey) == [
        ("failed", {"code": audited})
    ]
    # The challenge is used up: the same answer again finds no ceremony.
    again = client.post(VERIFY_COMPLETE, answer, content_type=JSON)
    assert (again.status_code, again.json()["code"]) == (400, "invalid_state")


def test_an_answer_that_is_no_json_is_refused_before_any_check(
    client, lead_with_passkey
):
    _log_in(client, lead_with_passkey)
    assert client.post(VERIFY_BEGIN).status_code == 200
    response = client.post(VERIFY_COMPLETE, "not json", content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (
        400,
        "malformed_request",
    )
    assert _still_asked_for_a_code(client)
    # Not read, so no passkey failed: nothing for the trail.
    assert _events("auth.second_factor_failed", lead_with_passkey) == []


def test_a_broken_new_passkey_is_refused_and_nothing_is_stored(staff_client, team_lead):
    staff_client.force_login(team_lead)
    assert staff_client.post(ADD_BEGIN).status_code == 200
    response = staff_client.post(ADD_COMPLETE, '{"id": "x"}', content_type=JSON)
    assert 400 <= response.status_code < 500
    assert not WebAuthnCredential.objects.filter(user=team_lead).exists()
    assert _events("auth.device_added", team_lead) == []


# --- Removing one --------------------------------------------------------------------


def test_a_lead_removes_their_passkey(staff_client, lead_with_passkey):
    staff_client.force_login(lead_with_passkey)
    passkey = WebAuthnCredential.objects.get(user=lead_with_passkey)
    page = staff_client.get(MANAGE).text
    assert "Passkey 1" in page
    remove = reverse("accounts:passkey_remove", args=[passkey.pk])
    confirm = staff_client.get(remove)
    assert "Wilt u de passkey verwijderen die u op" in confirm.text
    response = staff_client.post(remove, follow=True)
    assert "De passkey is verwijderd." in response.text
    assert "U hebt geen passkeys." in response.text
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert _events("auth.device_removed", lead_with_passkey) == [
        ("success", {"kind": "passkey"})
    ]


def test_nobody_removes_anothers_passkey_on_their_own_page(
    staff_client, lead_with_passkey
):
    other = UserFactory(team_lead=True)
    staff_client.force_login(other)
    passkey = WebAuthnCredential.objects.get(user=lead_with_passkey)
    remove = reverse("accounts:passkey_remove", args=[passkey.pk])
    assert staff_client.post(remove).status_code == 404
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_an_admin_removes_a_lost_passkey_in_the_admin_site(
    staff_client, admin_user, lead_with_passkey
):
    passkey = WebAuthnCredential.objects.get(user=lead_with_passkey)
    staff_client.force_login(admin_user)
    listing = staff_client.get(reverse("admin:passkeys_passkey_changelist")).text
    assert str(lead_with_passkey) in listing
    assert passkey.public_key.hex() not in listing
    url = reverse("admin:passkeys_passkey_delete", args=[passkey.pk])
    assert f"passkey van {lead_with_passkey}" in staff_client.get(url).text
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    removed = AuditEvent.objects.get(
        action="auth.device_removed", object_id=str(lead_with_passkey.pk)
    )
    assert (removed.actor_id, removed.data) == (admin_user.pk, {"kind": "passkey"})


def test_the_trail_tells_a_passkeys_events_in_dutch(
    client, staff_client, lead_with_passkey
):
    _log_in(client, lead_with_passkey)
    client.post(VERIFY_BEGIN)
    client.post(VERIFY_COMPLETE, "{}", content_type=JSON)
    staff_client.force_login(UserFactory(auditor=True))
    (failed,) = AuditEvent.objects.filter(action="auth.second_factor_failed")
    page = staff_client.get(reverse("audit:event", args=[failed.pk])).text
    assert "de browser gaf een onleesbaar antwoord" in page


# --- helpers -------------------------------------------------------------------------


def _config_on(page: str) -> dict:
    found = re.search(
        r'<script id="otp_webauthn_config" type="application/json">(.*?)</script>',
        page,
        re.S,
    )
    assert found, "the page has no passkey settings"
    return json.loads(found[1])


def _inline_scripts(page: str) -> list[str]:
    """Return the scripts of the page that would run from its own text."""
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    return [s for s in scripts if 'type="application/json"' not in s]


def _still_asked_for_a_code(client) -> bool:
    response = client.get(MANAGE)
    return response.status_code == 302 and response["Location"].startswith(VERIFY)


@pytest.mark.parametrize("pk", ["9" * 30, "0"])
def test_a_passkey_number_that_cannot_be_is_not_found(staff_client, team_lead, pk):
    staff_client.force_login(team_lead)
    url = reverse("accounts:passkey_remove", args=[1]).replace("/1/", f"/{pk}/")
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url).status_code == 404
