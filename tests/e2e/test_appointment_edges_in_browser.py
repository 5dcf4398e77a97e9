"""Appointments in time and place, and the BSN typed once, in a real browser."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in
from tests.factories import ConversationFactory, valid_bsn

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_past_appointment_is_confirmed_and_found_among_earlier_ones(
    page: Page, demo_users
):
    employee = get_user_model().objects.get(username="medewerker")
    moment = timezone.localtime() - datetime.timedelta(days=2)
    ConversationFactory(employee=employee, scheduled_at=moment.replace(microsecond=0))
    log_in(page, "medewerker")
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    page.get_by_role("link", name="Afspraak maken").click()
    bsn = valid_bsn()
    page.get_by_label("BSN van de klant").fill(bsn)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Datum").fill(yesterday.isoformat())
    page.get_by_label("Tijd").fill("09:00")
    page.get_by_label("Telefonisch").check()
    page.get_by_label("Gewoon gesprek").check()
    page.get_by_label("Plaats").fill("Utrecht, kamer 2")
    page.get_by_role("button", name="Afspraak maken").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Deze datum en tijd zijn al voorbij.")
    expect(summary).to_contain_text("Een telefoongesprek heeft geen plaats.")
    expect(page.get_by_text(f"*****{bsn[-4:]} is bewaard")).to_be_visible()
    expect(page.get_by_label("BSN van de klant")).to_have_value("")
    assert bsn not in page.content()
    check_page(page, "appointment-past-phone-with-place")

    page.get_by_label("Plaats").fill("")
    page.get_by_label("Ja, het gesprek was al.").check()
    page.get_by_role("button", name="Afspraak maken").click()
    expect(summary).to_contain_text("Er is geen klant met dit BSN")
    expect(page.get_by_text(f"*****{bsn[-4:]} is bewaard")).to_be_visible()
    expect(page.get_by_label("Ja, het gesprek was al.")).to_be_checked()
    assert bsn not in page.content()
    check_page(page, "appointment-past-unknown-client")

    page.get_by_label("Naam van de klant").fill("Ruben Smit")
    page.get_by_role("button", name="Afspraak maken").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "u vindt het bij Eerdere gesprekken"
    )
    # Recorded afterwards, its day over, no decision yet: the checklist is offered.
    expect(page.get_by_test_id("status")).to_have_text(
        "niet gehouden (geen besluit vastgelegd)"
    )
    expect(page.get_by_role("link", name="Checklist starten")).to_be_visible()
    check_page(page, "conversation-detail-recorded-afterwards")

    page.get_by_role("link", name="Terug naar de eerdere gesprekken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eerdere gesprekken")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Ruben Smit")  # newest first
    expect(rows.nth(1)).to_contain_text("niet gehouden (geen besluit vastgelegd)")
    check_page(page, "conversations-past")

    rows.nth(1).get_by_role("link").click()
    expect(page.get_by_test_id("status")).to_have_text(
        "niet gehouden (geen besluit vastgelegd)"
    )
    check_page(page, "conversation-detail-not-held")


def test_earlier_conversations_in_english(page: Page, demo_users):
    employee = get_user_model().objects.get(username="medewerker")
    moment = timezone.localtime() - datetime.timedelta(days=3)
    ConversationFactory(employee=employee, scheduled_at=moment.replace(microsecond=0))
    log_in(page, "medewerker")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    page.goto("/gesprekken/eerder/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Earlier conversations")
    expect(page.locator("tbody tr")).to_contain_text("not held (no decision recorded)")
    check_page(page, "conversations-past-english")
    page.goto("/gesprekken/telefoon/")
    page.get_by_label("Client's BSN").fill("12345678")
    page.get_by_role("button", name="Open the checklist").click()
    expect(page.locator("#error-summary")).to_contain_text("A BSN has 9 digits")
    check_page(page, "phone-call-bsn-length-english")
