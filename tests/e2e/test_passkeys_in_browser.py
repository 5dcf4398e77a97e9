"""Passkeys in the browser: adding one, passing the second factor with it, a
passkey that does not pass, and removing one.

Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain) plays
the passkey: a platform authenticator that verifies its user at once. The live
server is on localhost, the relying party the tests set.
"""

from __future__ import annotations

import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import CDPSession, Page, expect

from accounts.models import User
from audit.models import AuditEvent
from tests.e2e.conftest import check_page
from tests.e2e.test_login import enter_code
from tests.factories import UserFactory
from tests.second_factor import app_code, authenticator_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def relying_party(settings, live_server):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")


@pytest.fixture
def authenticator(page: Page) -> CDPSession:
    """A passkey device in this tab: Chromium's virtual platform authenticator."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session


@pytest.fixture
def lead(db) -> User:
    lead = UserFactory(team_lead=True, first_name="Petra", last_name="Passkey")
    authenticator_for(lead)
    return lead


def _password_login(page: Page, user: User) -> None:
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen/"))


def _add_passkey(page: Page, lead: User) -> None:
    _password_login(page, lead)
    enter_code(page, app_code(authenticator_for(lead)))
    page.goto("/tweede-factor/")
    page.get_by_role("button", name="Passkey toevoegen").click()
    expect(page.get_by_text("Uw passkey is toegevoegd.")).to_be_visible()
    expect(page.get_by_test_id("passkeys")).to_contain_text("Passkey 1")


def _events(action: str, user: User) -> list[tuple[str, dict]]:
    return [
        (e.result, e.data)
        for e in AuditEvent.objects.filter(
            action=action, object_id=str(user.pk)
        ).order_by("id")
    ]


def test_a_team_lead_adds_a_passkey_and_passes_the_second_factor_with_it(
    page: Page, authenticator: CDPSession, lead: User
):
    _password_login(page, lead)
    enter_code(page, app_code(authenticator_for(lead)))
    page.goto("/tweede-factor/")
    expect(page.get_by_text("U hebt geen passkeys.")).to_be_visible()
    check_page(page, "passkeys-none")
    page.get_by_role("button", name="Passkey toevoegen").click()
    expect(page.get_by_text("Uw passkey is toegevoegd.")).to_be_visible()
    expect(page.get_by_test_id("passkeys")).to_contain_text("Passkey 1")
    check_page(page, "passkeys-one")
    assert _events("auth.device_added", lead)[-1] == ("success", {"kind": "passkey"})
    (passkey,) = WebAuthnCredential.objects.filter(user=lead)
    assert passkey.name == "Passkey"

    _log_out(page)
    page.goto("/gesprekken/")
    page.get_by_label("Gebruikersnaam").fill(lead.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/tweede-factor/controleren/"))
    expect(page.get_by_role("button", name="Passkey gebruiken")).to_be_visible()
    check_page(page, "passkey-verify")
    page.get_by_role("button", name="Passkey gebruiken").click()
    # Where the login was going, without a code typed.
    expect(page).to_have_url(re.compile(r"/gesprekken/$"))
    assert _events("auth.second_factor_passed", lead)[-1] == (
        "success",
        {"kind": "passkey"},
    )
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    page.goto("/tweede-factor/")
    expect(page.get_by_test_id("passkeys")).not_to_contain_text("nog niet")


def test_a_passkey_that_does_not_pass_is_refused_and_a_code_still_works(
    page: Page, authenticator: CDPSession, lead: User
):
    _add_passkey(page, lead)
    _log_out(page)
    # As if the passkey had been copied: the count of its signatures is behind
    # the one stored, which py_webauthn refuses.
    WebAuthnCredential.objects.filter(user=lead).update(sign_count=10**6)
    page.refusals_expected.add("/tweede-factor/passkey/controleren/klaar/")  # type: ignore[attr-defined]
    _password_login(page, lead)
    page.get_by_role("button", name="Passkey gebruiken").click()
    status = page.locator("#passkey-verification-status-message")
    expect(status).to_have_text(
        "Controleren mislukt: uwvrec accepteert deze passkey niet. Probeer het "
        "opnieuw of vul een code in."
    )
    expect(page).to_have_url(re.compile(r"/tweede-factor/controleren/"))
    assert _events("auth.second_factor_failed", lead) == [
        ("failed", {"code": "passkey_refused"})
    ]
    check_page(page, "passkey-refused")
    enter_code(page, app_code(authenticator_for(lead)))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_a_team_lead_removes_a_passkey(
    page: Page, authenticator: CDPSession, lead: User
):
    _add_passkey(page, lead)
    page.get_by_role("link", name="Passkey 1 verwijderen").click()
    check_page(page, "passkey-remove")
    page.get_by_role("button", name="Ja, passkey verwijderen").click()
    expect(page.get_by_text("De passkey is verwijderd.")).to_be_visible()
    expect(page.get_by_text("U hebt geen passkeys.")).to_be_visible()
    assert not WebAuthnCredential.objects.filter(user=lead).exists()
    assert _events("auth.device_removed", lead) == [("success", {"kind": "passkey"})]
    _log_out(page)
    _password_login(page, lead)
    expect(page.get_by_role("button", name="Passkey gebruiken")).to_have_count(0)


def test_the_passkey_pages_in_english(
    page: Page, authenticator: CDPSession, lead: User
):
    _add_passkey(page, lead)
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    expect(page.get_by_role("heading", name="Passkeys")).to_be_visible()
    expect(page.get_by_role("button", name="Add a passkey")).to_be_visible()
    check_page(page, "passkeys-one-en")
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill(lead.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Use a passkey")).to_be_visible()
    check_page(page, "passkey-verify-en")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
