"""Single sign-on in Chromium: through the test provider's login page and back."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import Role
from tests.e2e.conftest import check_page
from tests.factories import TeamFactory
from tests.idp.server import IdentityProvider
from tests.sso import point_at

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een wachtwoord bij de identiteitsprovider"
ROLES = {
    Role.EMPLOYEE: "uwvrec.medewerker",
    Role.TEAM_LEAD: "uwvrec.teamleider",
    Role.AUDITOR: "uwvrec.auditor",
    Role.ADMIN: "uwvrec.beheerder",
}


@pytest.fixture
def sso(identity_provider: IdentityProvider, live_server, settings) -> IdentityProvider:
    """uwvrec at the live server, configured for the provider (its IdP MFA trusted)."""
    point_at(identity_provider, settings, live_server.url)
    settings.OIDC_TRUSTS_IDP_MFA = True
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": directives
        | {"form-action": [*directives["form-action"], identity_provider.url]}
    }
    TeamFactory(name="Team Zwolle WW", idp_code="KS-ZWO-WW")
    return identity_provider


def person(sso: IdentityProvider, username: str, number: str, *roles: str) -> str:
    sso.set_user(
        username,
        password=PASSWORD,
        employee_number=number,
        roles=list(roles),
        team="KS-ZWO-WW",
        given_name="Mila",
        family_name="de Boer",
        preferred_username=username,
    )
    return username


def sign_in(page: Page, username: str, *, screenshot: str | None = None) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/inloggen/"))
    if screenshot:
        check_page(page, screenshot)
    page.get_by_role("link", name="Inloggen met UWV-account").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("role", list(ROLES), ids=lambda role: role.value)
def test_each_role_signs_in_through_the_provider(page: Page, sso, role):
    username = person(
        sso, f"sso-{role.value}", f"80000{len(role.value):02d}", ROLES[role]
    )

    sign_in(
        page, username, screenshot="login-with-sso" if role == Role.EMPLOYEE else None
    )

    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    expect(page.get_by_test_id("roles")).to_have_text(str(role.label))
    check_page(page, f"home-sso-{role.value}")


def test_a_role_removed_at_the_provider_is_gone_at_the_next_login(page: Page, sso):
    username = person(sso, "wisselt", "8100001", ROLES[Role.TEAM_LEAD])
    sign_in(page, username)
    expect(page.get_by_test_id("roles")).to_have_text("teamleider")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen/$"))

    person(sso, username, "8100001", ROLES[Role.EMPLOYEE])
    sign_in(page, username)

    expect(page.get_by_test_id("roles")).to_have_text("medewerker")
    assert User.objects.get(username=username).roles == {Role.EMPLOYEE}


def test_no_mapped_role_is_refused_on_a_dutch_page(page: Page, sso):
    username = person(sso, "zonder-rol", "8200001", "andere-app.gebruiker")
    sign_in(page, username)
    expect(page).to_have_url(re.compile(r"/inloggen/uwv-account/geweigerd/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("U kunt niet inloggen")
    expect(page.get_by_role("alert")).to_contain_text("geen rol in uwvrec")
    check_page(page, "sso-refused")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/inloggen/"))


def test_logging_out_ends_both_sessions(page: Page, sso):
    username = person(sso, "uitlogger", "8300001", ROLES[Role.EMPLOYEE])
    sign_in(page, username)
    assert sso.sessions(username) == 1

    page.get_by_role("button", name="Uitloggen").click()

    expect(page).to_have_url(re.compile(r"/inloggen/$"))
    assert sso.sessions(username) == 0
    # Signing in again asks for the password at the provider.
    page.get_by_role("link", name="Inloggen met UWV-account").click()
    expect(page.get_by_label("Password")).to_be_visible()


def test_an_htmx_request_after_expiry_loads_the_login_page_whole(page: Page, sso):
    username = person(sso, "verlopen", "8400001", ROLES[Role.TEAM_LEAD])
    sign_in(page, username)
    expect(page.get_by_test_id("roles")).to_have_text("teamleider")
    Session.objects.all().delete()  # the idle time ran out

    # What the menu's message count does: an htmx GET swapping a fragment.
    page.evaluate(
        "() => htmx.ajax('GET', '/overtredingen/berichten/aantal/', "
        "{target: 'main', swap: 'innerHTML'})"
    )

    expect(page).to_have_url(re.compile(r"/inloggen/\?next="))
    expect(page.get_by_role("heading", level=1, name="Inloggen")).to_have_count(1)
    assert urlsplit(page.url).path == "/inloggen/"


def test_the_login_page_offers_the_uwv_account_in_english_too(page: Page, sso):
    page.goto("/")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Log in with UWV account")).to_be_visible()
    check_page(page, "login-with-sso-en")
