"""The checklist in a real browser: each page checked by axe, with screenshots."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Locator, Page, expect

from conversations.demo import conversations_demo_load
from conversations.models import Decision
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in
from tests.factories import valid_bsn

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_day(demo_users):
    conversations_demo_load()


def next_step(page: Page) -> None:
    page.get_by_role("button", name="Volgende").click()


def current_step(page: Page) -> Locator:
    return page.locator('[aria-current="step"]')


def open_appointment(page: Page, client_name: str) -> None:
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    page.get_by_role("link", name=client_name).click()
    page.get_by_role("link", name="Checklist starten").click()


def test_phone_call_where_recording_is_allowed_and_uwv_records_too(page, demo_users):
    log_in(page, "medewerker")
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    check_page(page, "conversations-list")
    page.get_by_role("link", name="Telefoongesprek starten").click()
    bsn = valid_bsn()
    page.get_by_label("BSN van de klant").fill(bsn)
    page.get_by_label("Naam van de klant").fill("Noor Bakker")
    check_page(page, "phone-call-start")
    page.get_by_role("button", name="Checklist openen").click()

    # The form just asked the kind: the checklist starts at the next question.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Wil de klant het gesprek opnemen?"
    )
    expect(page.get_by_test_id("bsn-masked")).to_have_text(f"*****{bsn[-4:]}")
    expect(current_step(page)).to_contain_text("Wens van de klant")
    expect(page.locator(".step-indicator .step-done")).to_have_text(
        re.compile("Soort gesprek")
    )
    page.locator("a.back-link").click()
    expect(page.get_by_label("Gewoon gesprek")).to_be_checked()
    check_page(page, "checklist-kind")
    next_step(page)

    page.get_by_label("Ja, alleen geluid").check()
    check_page(page, "checklist-wish")
    next_step(page)
    check_page(page, "checklist-participants")
    next_step(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Lees de spelregels voor")
    expect(page.locator("article.phone-script")).to_have_attribute("lang", "nl")
    expect(page.get_by_test_id("someone-joins")).to_contain_text(
        "Wilt u de opname nu stoppen?"
    )
    check_page(page, "checklist-inform-phone")
    page.get_by_label("Ik heb de klant de spelregels verteld of gegeven.").check()
    next_step(page)

    page.get_by_label("Ja").check()
    check_page(page, "checklist-accepts")
    next_step(page)
    page.get_by_label("Ja").check()
    check_page(page, "checklist-uwv")
    next_step(page)
    page.get_by_label("Waarom neemt UWV het gesprek op?").fill(
        "Medisch advies; het verslag wordt met de klant gedeeld."
    )
    page.get_by_label("Iedereen die meedoet weet dat UWV het gesprek opneemt.").check()
    check_page(page, "checklist-uwv-details")
    next_step(page)

    panel = page.get_by_test_id("outcome-panel")
    expect(panel).to_contain_text("De klant mag het gesprek opnemen")
    expect(panel).to_contain_text("Alleen geluid, geen beeld.")
    expect(page.get_by_test_id("policy-version")).to_have_text("2017-01")
    check_page(page, "checklist-outcome-allowed")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_role("status").first).to_contain_text("Besluit 1 is vastgelegd")
    check_page(page, "checklist-decided")
    decision = Decision.objects.filter(
        conversation__client__display_name="Noor Bakker"
    ).get()
    assert (decision.outcome, decision.uwv_recording) == ("allowed", "planned")
    assert bsn not in page.url


def test_face_to_face_mediation_where_the_mediator_refuses(page, demo_day):
    log_in(page, "medewerker")
    open_appointment(page, "Priya Ramdin")
    expect(page.get_by_label("Mediation")).to_be_checked()
    next_step(page)
    page.get_by_label("Ja, alleen geluid").check()
    next_step(page)
    expect(page.locator(".participants")).to_contain_text("Mr. H. Smit")
    next_step(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Geef de klant de spelregels"
    )
    page.get_by_role("link", name="De spelregels in het Engels").click()
    expect(page.locator("article.inform-text")).to_have_attribute("lang", "en")
    check_page(page, "checklist-inform-handout-en")
    page.get_by_label("Ik heb de klant de spelregels verteld of gegeven.").check()
    next_step(page)
    page.get_by_label("Ja").check()
    next_step(page)
    expect(current_step(page)).to_contain_text("Toestemming van Mr. H. Smit")
    expect(page.get_by_text("Mr. H. Smit (mediator) doet mee")).to_be_visible()
    check_page(page, "checklist-consent")
    page.get_by_label("Nee").check()
    next_step(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Neemt UWV het gesprek zelf ook op?"
    )
    page.get_by_label("Nee").check()
    next_step(page)
    panel = page.get_by_test_id("outcome-panel")
    expect(panel).to_contain_text("De klant mag het gesprek niet opnemen")
    expect(panel).to_contain_text("Bij mediation geeft de mediator")
    expect(panel).to_contain_text("written summary")
    expect(panel.locator("blockquote")).to_have_attribute("lang", "en")
    check_page(page, "checklist-outcome-mediation-refused")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator(".decisions")).to_contain_text("opnemen mag niet")


def test_an_investigation_interview_ends_at_once(page, demo_day):
    log_in(page, "medewerker")
    open_appointment(page, "Wim Hendriks")
    next_step(page)
    page.get_by_label("Ja, alleen geluid").check()
    next_step(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Neemt UWV het gesprek zelf ook op?"
    )
    expect(page.locator(".step-indicator li")).to_have_count(4)
    page.get_by_label("Nee").check()
    next_step(page)
    panel = page.get_by_test_id("outcome-panel")
    expect(panel).to_contain_text("verhoor door een opsporingsambtenaar")
    expect(panel).to_contain_text("opsporingsambtenaar")
    check_page(page, "checklist-outcome-investigation")


def test_a_third_person_joining_midway_gets_a_new_decision(page, demo_day):
    log_in(page, "medewerker")
    open_appointment(page, "Mohamed Bouali")
    next_step(page)
    page.get_by_label("Ja, alleen geluid").check()
    next_step(page)
    next_step(page)
    page.get_by_label("Ik heb de klant de spelregels verteld of gegeven.").check()
    next_step(page)
    page.get_by_label("Ja").check()
    next_step(page)
    page.get_by_label("Ja").check()  # the interpreter consents
    next_step(page)
    page.get_by_label("Nee").check()
    next_step(page)
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_test_id("outcome-panel")).to_contain_text(
        "mag het gesprek opnemen"
    )

    joins = page.locator("form.joins")
    joins.get_by_label("Naam").fill("Karin Smit")
    joins.get_by_label("Rol").select_option("third_person")
    joins.get_by_role("button", name="Toevoegen").click()
    expect(current_step(page)).to_contain_text("Toestemming van Karin Smit")
    expect(page.get_by_text("Karin Smit (derde) doet mee")).to_be_visible()
    page.get_by_label("Nee").check()
    next_step(page)
    panel = page.get_by_test_id("outcome-panel")
    expect(panel).to_contain_text("niet opnemen")
    expect(panel.locator("blockquote")).to_contain_text("Wilt u de opname nu stoppen?")
    replaced = page.get_by_test_id("replaced-decision")
    expect(replaced).to_contain_text("Besluit 1 geldt niet meer")
    expect(replaced).to_contain_text("De klant mag nu niet opnemen")
    expect(page.locator(".decisions")).to_contain_text("geldt niet meer")
    expect(page.locator(".decisions")).not_to_contain_text("geldt nu")
    check_page(page, "checklist-joined-refused")
    page.get_by_role("button", name="Besluit vastleggen").click()
    decisions = page.locator(".decisions li")
    expect(decisions).to_have_count(2)
    expect(decisions.first).to_contain_text("Besluit 2")
    expect(decisions.first).to_contain_text("geldt nu")
    expect(decisions.nth(1)).to_contain_text("vervangen")
    check_page(page, "checklist-superseded")


def press_tab_until(page: Page, target: Locator, limit: int = 60) -> None:
    """Move the focus with Tab alone until ``target`` has it."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def keyboard_choose(page: Page, label: str) -> None:
    """Tab into the radio group, then choose with the arrow keys or Space."""
    radio = page.get_by_label(label, exact=True)
    name = radio.get_attribute("name")
    for _ in range(60):
        if page.evaluate("name => document.activeElement?.name === name", name):
            break
        page.keyboard.press("Tab")
    for _ in range(8):
        if radio.is_checked():
            break
        focused = radio.evaluate("element => element === document.activeElement")
        page.keyboard.press("Space" if focused else "ArrowDown")
    expect(radio).to_be_checked()


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def keyboard_next(page: Page) -> None:
    press_tab_until(page, page.get_by_role("button", name="Volgende"))
    press_enter_and_wait(page)


def test_the_whole_checklist_with_the_keyboard_only(page, demo_day):
    log_in(page, "medewerker")
    page.goto("/gesprekken/")
    press_tab_until(page, page.get_by_role("link", name="Emma Visser"))
    press_enter_and_wait(page)
    press_tab_until(page, page.get_by_role("link", name="Checklist starten"))
    press_enter_and_wait(page)
    expect(page).to_have_url(re.compile(r"/checklist/soort/$"))
    keyboard_next(page)
    keyboard_choose(page, "Ja, alleen geluid")
    keyboard_next(page)
    keyboard_next(page)  # nobody else takes part
    press_tab_until(
        page, page.get_by_label("Ik heb de klant de spelregels verteld of gegeven.")
    )
    page.keyboard.press("Space")
    keyboard_next(page)
    keyboard_choose(page, "Ja")
    keyboard_next(page)
    keyboard_choose(page, "Nee")
    keyboard_next(page)
    expect(page.get_by_test_id("outcome-panel")).to_contain_text(
        "mag het gesprek opnemen"
    )
    press_tab_until(page, page.get_by_role("button", name="Besluit vastleggen"))
    press_enter_and_wait(page)
    expect(page.get_by_role("status").first).to_contain_text("Besluit 1 is vastgelegd")
    check_page(page, "checklist-keyboard-decided")


def test_an_error_is_summarised_and_linked_to_its_field(page, demo_day):
    log_in(page, "medewerker")
    open_appointment(page, "Emma Visser")
    next_step(page)
    page.get_by_role("link", name="Terug").click()
    expect(page).to_have_url(re.compile(r"/checklist/soort/$"))
    next_step(page)
    next_step(page)  # nothing chosen
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Kies of de klant het gesprek wil opnemen.")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Fout: "))
    check_page(page, "checklist-error")
    summary.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"#id_wish_0$"))


def test_an_appointment_is_planned_moved_cancelled_and_another_concluded(
    page, demo_day
):
    day = timezone.localdate() + dt.timedelta(days=90)
    log_in(page, "medewerker")
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    page.get_by_role("link", name="Afspraak maken").click()
    page.get_by_label("BSN van de klant").fill(valid_bsn())
    page.get_by_label("Naam van de klant").fill("Ruben Smit")
    page.get_by_label("Datum").fill(day.strftime("%d-%m-%Y"))
    page.get_by_label("Tijd").fill("10:15")
    page.get_by_label("Op kantoor").check()
    page.get_by_label("Gewoon gesprek").check()
    page.get_by_label("Plaats").fill("Utrecht, kamer 2")
    check_page(page, "appointment-create")
    page.get_by_role("button", name="Afspraak maken").click()
    expect(page.get_by_role("status").first).to_contain_text("De afspraak is gemaakt.")
    check_page(page, "conversation-detail")

    page.get_by_role("link", name="Verzetten").click()
    page.get_by_label("Tijd").fill("11:45")
    check_page(page, "conversation-reschedule")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text(f"{date_format(day, 'j F Y')}, 11:45")).to_be_visible()

    page.get_by_role("link", name="Annuleren").click()
    check_page(page, "conversation-cancel")
    page.get_by_role("button", name="Ja, annuleren").click()
    expect(page.get_by_test_id("status")).to_have_text("geannuleerd")

    page.goto("/gesprekken/")
    page.get_by_role("link", name="Fatima Yilmaz").click()
    page.get_by_role("link", name="Vastleggen wat er gebeurde").click()
    page.get_by_role(
        "group", name="Heeft de klant het gesprek opgenomen?"
    ).get_by_label("Nee").check()
    page.get_by_role("group", name="Heeft UWV het gesprek opgenomen?").get_by_label(
        "Nee"
    ).check()
    check_page(page, "conversation-conclude")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_test_id("status")).to_have_text("gehouden")


def test_a_team_lead_reads_the_teams_conversations(page, demo_day):
    log_in(page, "teamleider")
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    expect(page.get_by_role("link", name="Telefoongesprek starten")).to_have_count(0)
    page.get_by_role("link", name="Johan de Boer").click()
    expect(page.locator(".decisions")).to_contain_text("opnemen mag")
    check_page(page, "conversation-detail-team-lead")
