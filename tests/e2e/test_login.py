import re

import pytest
from playwright.sync_api import Page, expect

from accounts.access import needs_second_factor
from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import User
from accounts.selectors import authenticator_of
from tests.e2e.conftest import check_page
from tests.second_factor import app_code

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ONE_PER_ROLE = {user.role: user for user in reversed(DEMO_USERS)}.values()


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in on the login page; a team lead, auditor or admin types the app's code.

    The code is the one the user's authenticator app would show now, computed
    from the device's key (``tests.second_factor.app_code``).
    """
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    user = User.objects.filter(username=username).first()
    if password == DEMO_PASSWORD and user is not None and needs_second_factor(user):
        device = authenticator_of(user)
        assert device is not None, f"{username} has no authenticator app"
        enter_code(page, app_code(device))


def enter_code(page: Page, code: str) -> None:
    """Type ``code`` on the second factor's page and send it."""
    expect(page).to_have_url(re.compile(r"/tweede-factor/controleren/"))
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Controleren").click()


@pytest.mark.parametrize("demo", ONE_PER_ROLE, ids=lambda user: user.role.value)
def test_each_demo_role_logs_in_and_out(page: Page, demo_users, demo):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/inloggen/"))
    check_page(page, "login")

    log_in(page, demo.username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    expect(page.get_by_test_id("roles")).to_have_text(str(demo.role.label))
    check_page(page, f"home-{demo.role.value}")

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen/"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/inloggen/\?next=/"))


def test_wrong_password_is_explained_in_dutch(page: Page, demo_users):
    log_in(page, "medewerker", "niet-het-wachtwoord")
    expect(page.get_by_role("alert")).to_contain_text("Inloggen is niet gelukt")
    check_page(page, "login-failed")


def test_language_switch_turns_the_page_english_and_back(page: Page, demo_users):
    log_in(page, "medewerker")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, "home-english")

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_admin_reaches_the_admin_site(page: Page, demo_users):
    log_in(page, "beheerder")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Beheer"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Functioneel beheer")
    check_page(page, "admin-index")
