"""The checklist's edges in a real browser: focus, a way back, a decision replaced."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from conversations.demo import conversations_demo_load
from conversations.models import Conversation
from conversations.services import decision_record
from tests.conversations.helpers import add, answer, walk_to_outcome
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def emma(demo_users):
    conversations_demo_load()
    return Conversation.objects.get(client__display_name="Emma Visser")


def employee():
    return User.objects.get(username="medewerker")


def tabs_until(page: Page, target: Locator, limit: int = 40) -> int:
    """Press Tab until ``target`` has the focus; return how many presses it took."""
    for presses in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target} in {limit} presses")


def decide(conversation):
    conversation.refresh_from_db()
    decision_record(
        actor=employee(),
        conversation=conversation,
        answers_version=conversation.answers_version,
    )


def test_the_primary_action_is_a_tab_or_two_from_page_load(page, emma):
    log_in(page, "medewerker")
    page.goto(f"/gesprekken/{emma.pk}/checklist/soort/")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    # Before: the skip link, the header, the back link and the steps came first.
    assert tabs_until(page, page.get_by_role("button", name="Volgende")) <= 2

    walk_to_outcome(employee(), emma)
    page.goto(f"/gesprekken/{emma.pk}/checklist/uitkomst/")
    expect(page.get_by_role("heading", level=1, name="Uitkomst")).to_be_focused()
    # Before: 14 presses.
    assert tabs_until(page, page.get_by_role("button", name="Besluit vastleggen")) == 1
    check_page(page, "checklist-outcome-focused")


def test_the_first_step_has_a_way_back_that_keeps_the_answers(page, emma):
    log_in(page, "medewerker")
    page.goto(f"/gesprekken/{emma.pk}/checklist/soort/")
    back = page.get_by_role("link", name="Terug naar het gesprek")
    page.keyboard.press("Shift+Tab")
    expect(back).to_be_focused()
    check_page(page, "checklist-first-step-back")
    page.get_by_label("Mediation").check()
    page.get_by_role("button", name="Volgende").click()
    page.goto(f"/gesprekken/{emma.pk}/checklist/soort/")
    back.click()
    expect(page).to_have_url(re.compile(rf"/gesprekken/{emma.pk}/$"))
    page.get_by_role("link", name="Checklist verder doen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Wil de klant het gesprek opnemen?"
    )
    page.locator("a.back-link").click()
    expect(page.get_by_label("Mediation")).to_be_checked()


def test_a_refusal_midway_in_english(page, emma):
    walk_to_outcome(employee(), emma)
    decide(emma)
    newcomer = add(employee(), emma, "Karin Smit")
    answer(employee(), emma, "consent", newcomer, consents=False)
    log_in(page, "medewerker")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    page.goto(f"/gesprekken/{emma.pk}/checklist/uitkomst/")
    expect(page.get_by_test_id("replaced-decision")).to_contain_text(
        "Decision 1 no longer applies"
    )
    expect(page.get_by_test_id("replaced-decision")).to_contain_text(
        "The client may not record now"
    )
    # What to say stays in the language the client was told the rules in.
    say = page.get_by_test_id("outcome-panel").locator("blockquote")
    expect(say).to_have_attribute("lang", "nl")
    expect(say).to_contain_text("Wilt u de opname nu stoppen?")
    check_page(page, "checklist-joined-refused-en")


def test_recording_under_a_refusal_leads_to_a_report_and_a_second_is_asked_about(
    page, emma
):
    walk_to_outcome(employee(), emma, accepts=False)
    decide(emma)
    log_in(page, "medewerker")
    page.goto(f"/gesprekken/{emma.pk}/afloop/")
    page.get_by_role(
        "group", name="Heeft de klant het gesprek opgenomen?"
    ).get_by_label("Ja").check()
    page.get_by_role("group", name="Heeft UWV het gesprek opgenomen?").get_by_label(
        "Nee"
    ).check()
    page.get_by_role("button", name="Vastleggen").click()
    offer = page.get_by_test_id("report-due")
    expect(offer).to_contain_text("De klant nam op, maar dat mocht niet")
    check_page(page, "conversation-held-report-due")
    offer.get_by_role("link", name="Overtreding melden").click()
    expect(page.get_by_label("Opgenomen terwijl dat niet mocht")).to_be_checked()
    page.get_by_label("Wat is er gebeurd?").fill("Telefoon nam op.")
    page.get_by_label("Wanneer gebeurde het?").fill("2026-11-30")
    page.get_by_label("Hoe is het vastgesteld?").fill("Zelf gezien.")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("status").first).to_contain_text("Uw melding is opgeslagen")
    expect(page.get_by_test_id("report-due")).to_have_count(0)

    page.get_by_role("link", name="Overtreding melden").click()
    expect(page.get_by_test_id("earlier-reports")).to_contain_text(
        "opgenomen terwijl dat niet mocht"
    )
    page.get_by_label("Heimelijk opgenomen").check()
    page.get_by_label("Wat is er gebeurd?").fill("Nog een keer.")
    page.get_by_label("Wanneer gebeurde het?").fill("2026-11-30")
    page.get_by_label("Hoe is het vastgesteld?").fill("Zelf gezien.")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Bij dit gesprek is al een overtreding gemeld."
    )
    check_page(page, "violation-report-second")
    page.get_by_label("Ik meld iets anders dan wat hierboven al gemeld is.").check()
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("status").first).to_contain_text("Uw melding is opgeslagen")


def test_the_phone_script_says_what_to_say_when_someone_joins(page, demo_users):
    log_in(page, "medewerker")
    page.goto("/spelregels/nl/telefoon/")
    expect(page.get_by_test_id("someone-joins")).to_contain_text(
        "Wilt u de opname nu stoppen?"
    )
    check_page(page, "phone-script-someone-joins")
