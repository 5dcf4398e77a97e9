"""Reporting and deciding on a violation in a real browser, axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from conversations.demo import conversations_demo_load
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in
from violations.demo import violations_demo_load
from violations.models import ViolationReport

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()


def test_an_employee_reports_and_the_team_lead_confirms(page, demo_users):
    conversations_demo_load()
    violations_demo_load()
    log_in(page, "medewerker")
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    page.get_by_role("link", name="Priya Ramdin").click()
    page.get_by_role("link", name="Overtreding melden").click()
    check_page(page, "violation-report")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_page(page, "violation-report-errors")
    page.get_by_label("Heimelijk opgenomen").check()
    page.get_by_label("Wat is er gebeurd?").fill("Telefoon nam op onder een map.")
    page.get_by_label("Wanneer gebeurde het?").fill("2026-01-05")
    page.get_by_label("Hoe is het vastgesteld?").fill("Zelf gezien.")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Uw melding is opgeslagen")
    log_out(page)

    log_in(page, "teamleider")
    expect(page.get_by_test_id("notification-link")).to_have_accessible_name(
        "Berichten (3 nieuw)"
    )
    page.get_by_test_id("notification-link").click()
    check_page(page, "notifications")
    page.goto("/overtredingen/")
    check_page(page, "violation-queue")
    page.get_by_role("link", name="Priya Ramdin").click()
    check_page(page, "violation-detail-open")
    page.get_by_label("Bevestigen: de klant wordt gesignaleerd").check()
    page.get_by_label("Reden").fill("Gezien door de medewerker.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("gesignaleerd")
    check_page(page, "violation-detail-confirmed")
    page.get_by_role("link", name="Brief in het Nederlands").click()
    check_page(page, "violation-letter")
    page.goto("/overtredingen/gesignaleerd/")
    expect(page.get_by_role("cell", name="Priya Ramdin")).to_be_visible()
    check_page(page, "violation-flagged")
    assert ViolationReport.objects.filter(status="confirmed").count() == 2


def test_the_next_employee_sees_the_flag_banner(page, demo_users):
    conversations_demo_load()
    violations_demo_load()
    log_in(page, "medewerker")
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    page.get_by_role("link", name="Emma Visser").click()
    expect(page.get_by_test_id("flag-banner")).to_contain_text("Gesignaleerd")
    check_page(page, "conversation-flagged")
