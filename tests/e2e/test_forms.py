"""Forms that look like one app: the same inputs, radios and buttons everywhere."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.demo import DEMO_PASSWORD
from conversations.demo import conversations_demo_load
from conversations.models import Conversation
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in
from tests.factories import valid_bsn
from violations.demo import violations_demo_load

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The text stands in the middle of its button when the space above and below it
# differ by at most this (CSS pixels).
CENTRED = 2
# A large radio button is 1.75rem wide, the checklist's size.
LARGE_RADIO = 27


def height(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["height"]


def width(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["width"]


def font(locator: Locator) -> tuple[str, str]:
    """Return the size and weight the text is drawn in."""
    return locator.evaluate(
        "(el) => [getComputedStyle(el).fontSize, getComputedStyle(el).fontWeight]"
    )


def off_centre(button: Locator) -> float:
    """Return how far the button's text is from its vertical middle."""
    return button.evaluate(
        """(el) => {
            const box = el.getBoundingClientRect();
            const range = document.createRange();
            range.selectNodeContents(el);
            const text = range.getBoundingClientRect();
            return Math.abs((text.top - box.top) - (box.bottom - text.bottom));
        }"""
    )


@pytest.fixture
def demo_day(demo_users):
    conversations_demo_load()
    violations_demo_load()


def test_the_appointment_form_has_one_style_and_dutch_dates(page: Page, demo_day):
    log_in(page, "medewerker")
    page.goto("/gesprekken/nieuw/")
    bsn = page.get_by_label("BSN van de klant")
    for label in ("Naam van de klant", "Datum", "Tijd", "Plaats"):
        field = page.get_by_label(label)
        assert height(field) == height(bsn), label
    # Typed as dd-mm-jjjj, never a browser's mm/dd/yyyy picker.
    expect(page.get_by_label("Datum")).to_have_attribute("type", "text")
    expect(page.get_by_text("Dag-maand-jaar, bijvoorbeeld 15-01-2027.")).to_be_visible()
    assert width(page.get_by_label("Op kantoor")) >= LARGE_RADIO
    # A question over radios looks like a label over a text box.
    question = page.locator("legend", has_text="Hoe vindt het gesprek plaats?")
    label = page.locator("label", has_text="Naam van de klant")
    assert font(question) == font(label)
    check_page(page, "form-appointment")

    day = timezone.localdate() + datetime.timedelta(days=3)
    page.get_by_label("BSN van de klant").fill(valid_bsn())
    page.get_by_label("Naam van de klant").fill("Ruben Smit")
    page.get_by_label("Datum").fill(day.strftime("%d-%m-%Y"))
    page.get_by_label("Tijd").fill("10:15")
    page.get_by_label("Op kantoor").check()
    page.get_by_label("Gewoon gesprek").check()
    page.get_by_label("Plaats").fill("Utrecht, kamer 2")
    page.get_by_role("button", name="Afspraak maken").click()
    expect(page.get_by_role("status").first).to_contain_text("De afspraak is gemaakt.")
    made = Conversation.objects.get(client__display_name="Ruben Smit")
    assert timezone.localtime(made.scheduled_at).date() == day

    page.get_by_role("link", name="Verzetten").click()
    expect(page.get_by_label("Datum")).to_have_value(day.strftime("%d-%m-%Y"))
    expect(page.get_by_label("Tijd")).to_have_value("10:15")
    check_page(page, "form-reschedule")


def test_an_error_keeps_the_same_layout_with_the_message_by_the_field(
    page: Page, demo_day
):
    log_in(page, "medewerker")
    page.goto("/gesprekken/nieuw/")
    page.get_by_label("Datum").fill("31-02-2027")
    page.get_by_role("button", name="Afspraak maken").click()
    expect(page.locator("#error-summary")).to_be_visible()
    date = page.get_by_label("Datum")
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(date).to_have_value("31-02-2027")
    assert height(date) == height(page.get_by_label("BSN van de klant"))
    check_page(page, "form-appointment-errors")


def test_an_english_browser_still_gets_dutch_date_entry(
    browser: Browser, live_server, demo_day
):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1280, "height": 800},
    )
    page = context.new_page()
    try:
        page.goto("/")  # an English browser gets the English UI first
        page.get_by_label("Username").fill("medewerker")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto("/gesprekken/nieuw/")
        expect(page.get_by_label("Date", exact=True)).to_have_attribute("type", "text")
        check_page(page, "form-appointment-en")
        page.get_by_label("Language").select_option("nl")
        page.get_by_role("button", name="Change language").click()
        expect(page.get_by_label("Datum")).to_have_attribute("type", "text")
        expect(page.get_by_label("Tijd")).to_have_attribute("type", "text")
        check_page(page, "form-appointment-nl-in-english-browser")
    finally:
        context.close()


def test_the_buttons_of_a_conversation_hold_their_text_in_the_middle(
    page: Page, demo_day
):
    log_in(page, "medewerker")
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    page.get_by_role("link", name="Priya Ramdin").click()
    start = page.get_by_role("link", name="Checklist starten")
    for name in ("Verzetten", "Annuleren"):
        button = page.get_by_role("link", name=name, exact=True)
        assert height(button) == height(start), name
        assert off_centre(button) <= CENTRED, name
    check_page(page, "form-conversation-buttons")


def test_the_team_leads_decision_has_the_checklists_radios(page: Page, demo_day):
    log_in(page, "teamleider")
    page.goto("/overtredingen/")
    page.get_by_role("link", name="Johan de Boer").first.click()
    confirm = page.get_by_label("Bevestigen: de klant wordt gesignaleerd")
    assert width(confirm) >= LARGE_RADIO
    reason = page.get_by_label("Reden", exact=True)
    expect(reason).to_have_class(re.compile(r"\bform-control-lg\b"))
    check_page(page, "form-violation-decide")


def test_the_participants_and_report_forms_share_the_layout(page: Page, demo_day):
    log_in(page, "medewerker")
    page.get_by_role("link", name="Gesprekken van vandaag").click()
    page.get_by_role("link", name="Priya Ramdin").click()
    page.get_by_role("link", name="Overtreding melden").click()
    assert width(page.get_by_label("Heimelijk opgenomen")) >= LARGE_RADIO
    expect(page.get_by_label("Wanneer gebeurde het?")).to_have_attribute("type", "text")
    check_page(page, "form-violation-report")

    page.goto("/gesprekken/telefoon/")
    bsn = page.get_by_label("BSN van de klant")
    assert height(page.get_by_label("Naam van de klant")) == height(bsn)
    check_page(page, "form-phone-call")
