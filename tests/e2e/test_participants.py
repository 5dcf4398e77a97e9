"""Who takes part: someone typed in is never lost, whichever button is pressed."""

import pytest
from playwright.sync_api import Page, expect

from conversations.models import Participant
from tests.e2e.conftest import check_page
from tests.e2e.test_checklist import next_step
from tests.e2e.test_login import log_in
from tests.factories import valid_bsn

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def to_participants(page: Page) -> None:
    log_in(page, "medewerker")
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    page.get_by_role("link", name="Telefoongesprek starten").click()
    page.get_by_label("BSN van de klant").fill(valid_bsn())
    page.get_by_label("Naam van de klant").fill("Noor Bakker")
    page.get_by_role("button", name="Checklist openen").click()
    next_step(page)
    page.get_by_label("Ja, alleen geluid").check()
    next_step(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wie doen er mee")


def test_someone_typed_in_and_then_next_is_added_and_asked(page: Page, demo_users):
    to_participants(page)
    page.get_by_label("Naam").fill("Jan de Vries")
    page.get_by_label("Rol").select_option("third_person")
    next_step(page)

    assert Participant.objects.filter(name="Jan de Vries").exists()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lees de spelregels voor")


def test_someone_half_typed_in_stops_next_with_a_message(page: Page, demo_users):
    to_participants(page)
    page.get_by_label("Naam").fill("Jan de Vries")
    next_step(page)

    expect(page.get_by_role("alert")).to_contain_text("Kies de rol van wie meedoet.")
    expect(page.get_by_label("Naam")).to_have_value("Jan de Vries")
    assert not Participant.objects.exists()
    check_page(page, "checklist-participants-typed-not-added")


def test_enter_in_a_field_adds_the_person_and_stays(page: Page, demo_users):
    to_participants(page)
    page.get_by_label("Rol").select_option("interpreter")
    page.get_by_label("Naam").fill("Ali Tolk")
    page.get_by_label("Naam").press("Enter")

    expect(page.locator(".participants")).to_contain_text("Ali Tolk")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wie doen er mee")
    check_page(page, "checklist-participants-added")
