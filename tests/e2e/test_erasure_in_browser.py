"""A client's erasure in a real browser, axe on every page, in Dutch and English.

The demo team lead asks to erase a client of the team; the auditor agrees, and
the page says what was removed. A second client under a legal hold is refused,
and the page says why.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from conversations.demo import conversations_demo_load
from conversations.models import Client
from privacy.models import ErasureRequest
from privacy.services.holds import hold_place
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in
from tests.e2e.test_privacy_in_browser import log_out, to_english

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def ask(page: Page, bsn: str, reason: str) -> None:
    page.goto("/privacy/wissen/")
    page.get_by_role("link", name="Wissen aanvragen").click()
    page.get_by_label("BSN van de klant").fill(bsn)
    page.get_by_label("Reden").fill(reason)
    page.get_by_role("button", name="Wissen aanvragen").click()


def test_a_team_lead_asks_and_the_auditor_agrees_to_erase(page: Page, demo_users):
    conversations_demo_load()
    log_in(page, "teamleider")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Privacy"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wissen op verzoek")
    expect(page.get_by_text("Er wachten geen verzoeken op akkoord.")).to_be_visible()
    check_page(page, "erasures-empty")
    page.get_by_role("link", name="Wissen aanvragen").click()
    page.get_by_role("button", name="Wissen aanvragen").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_page(page, "erasure-form-errors")

    page.get_by_label("BSN van de klant").fill("999990019")
    page.get_by_label("Reden").fill("De klant vroeg per brief om wissing.")
    page.get_by_role("button", name="Wissen aanvragen").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Het verzoek om Fatima Yilmaz (*****0019) te wissen is vastgelegd."
    )
    expect(page.get_by_test_id("erasure-status")).to_contain_text("Wacht op akkoord")
    expect(page.get_by_test_id("erasure-waiting")).to_contain_text(
        "een auditor moet akkoord geven"
    )
    expect(page.get_by_role("button", name="Akkoord: klant wissen")).to_have_count(0)
    check_page(page, "erasure-requested")
    log_out(page)

    log_in(page, "auditor")
    page.goto("/privacy/wissen/")
    expect(page.locator("#open")).to_contain_text("Fatima Yilmaz")
    check_page(page, "erasures-open")
    page.get_by_role("link", name="Fatima Yilmaz").click()
    check_page(page, "erasure-to-agree")
    page.get_by_role("button", name="Akkoord: klant wissen").click()
    expect(page.get_by_role("status")).to_contain_text("De klant is gewist.")
    expect(page.get_by_test_id("erasure-status")).to_contain_text("Gewist")
    expect(page.locator("#removed")).to_contain_text("Gesprekken")
    check_page(page, "erasure-done")
    request = ErasureRequest.objects.get()
    assert (request.requested_by.username, request.approved_by.username) == (
        "teamleider",
        "auditor",
    )
    assert request.client_id is None
    assert not Client.objects.filter(display_name="Fatima Yilmaz").exists()

    to_english(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Erasure request")
    expect(page.locator("#removed")).to_contain_text("Conversations")
    check_page(page, "erasure-done-english")
    page.get_by_role("link", name=re.compile("Back to erasure")).click()
    expect(page.locator("#closed")).to_contain_text("Erased")
    check_page(page, "erasures-english")


def test_an_erasure_under_a_hold_is_refused_and_says_why(page: Page, demo_users):
    conversations_demo_load()
    hold_place(
        actor=User.objects.get(username="auditor"), bsn="999990020",
        reason="Bezwaar loopt.", case_reference="BZW-2026-0042", until=None,
        at=timezone.now(),
    )  # fmt: skip
    log_in(page, "teamleider")
    ask(page, "999990020", "De klant vroeg om wissing.")
    log_out(page)

    log_in(page, "auditor")
    page.goto("/privacy/wissen/")
    page.locator("#open").get_by_role("link").first.click()
    page.get_by_role("button", name="Akkoord: klant wissen").click()
    refusal = page.get_by_test_id("erasure-refusal")
    expect(refusal).to_contain_text(
        "Niet gewist: er staat een bewaarplicht op deze klant (zaak BZW-2026-0042)."
    )
    expect(page.get_by_test_id("erasure-status")).to_contain_text("Niet gewist")
    check_page(page, "erasure-refused-hold")
    to_english(page)
    expect(page.get_by_test_id("erasure-refusal")).to_contain_text(
        "Not erased: a legal hold stands on this client (case BZW-2026-0042)."
    )
    check_page(page, "erasure-refused-hold-english")
