"""Refusals as a user meets them in the browser: a lock, error pages, bad dates."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from conversations.models import Conversation
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in
from tests.factories import ConversationFactory, valid_bsn

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def in_english(page: Page) -> None:
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_locked_login_is_explained_and_the_right_password_waits(
    page: Page, demo_users, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, "medewerker", "niet-het-wachtwoord")
    log_in(page, "medewerker")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Inloggen tijdelijk geblokkeerd"
    )
    check_page(page, "login-locked")

    page.goto("/inloggen/")
    in_english(page)
    page.get_by_label("Username").fill("medewerker")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Logging in temporarily blocked"
    )
    check_page(page, "login-locked-en")


def test_error_pages_are_dutch_with_a_way_back(page: Page, demo_users):
    log_in(page, "medewerker")
    response = page.goto("/gesprekken/999999999/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    check_page(page, "error-404")

    response = page.goto("/audit/")
    assert response is not None
    assert response.status == 403
    check_page(page, "error-403")

    page.goto("/")
    in_english(page)
    page.goto("/gesprekken/999999999/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, "error-404-en")


def test_an_appointment_far_ahead_is_refused_in_dutch(page: Page, demo_users):
    log_in(page, "medewerker")
    page.goto("/gesprekken/nieuw/")
    page.get_by_label("BSN van de klant").fill(valid_bsn())
    page.get_by_label("Naam van de klant").fill("Klant Toekomst")
    page.get_by_label("Datum").fill("2099-03-04")
    page.get_by_label("Tijd").fill("10:00")
    page.get_by_label("Op kantoor").check()
    page.get_by_label("Gewoon gesprek").check()
    page.get_by_label("Plaats").fill("Utrecht, kamer 2")
    page.get_by_role("button", name="Afspraak maken").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert not Conversation.objects.filter(client__display_name="Klant Toekomst")
    check_page(page, "appointment-date-refused")


def test_a_conversation_stored_before_the_rules_says_so(page: Page, demo_users):
    employee = User.objects.get(username="medewerker")
    stuck = ConversationFactory(
        employee=employee,
        scheduled_at=datetime.datetime(2010, 1, 1, 10, 0, tzinfo=AMSTERDAM),
        kind_confirmed=True,
        wish="audio",
        status=Conversation.Status.IN_CHECKLIST,
    )
    log_in(page, "medewerker")
    page.goto(f"/gesprekken/{stuck.pk}/checklist/")
    expect(page.get_by_text("Voor deze datum gelden geen spelregels")).to_be_visible()
    check_page(page, "checklist-no-policy")
