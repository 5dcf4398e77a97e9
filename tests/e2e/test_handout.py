import re

import pytest
from playwright.sync_api import Page, expect

from rules.selectors import rule_text_current
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def title(language: str, audience: str) -> str:
    return rule_text_current(
        policy_version="2017-01", language=language, audience=audience
    ).title


def test_employee_reads_the_rules_in_dutch_and_english_and_the_phone_script(
    page: Page, demo_users
):
    log_in(page, "medewerker")
    page.get_by_role("link", name="Spelregels voor de klant").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(title("nl", "handout"))
    expect(page.locator("article")).to_have_attribute("lang", "nl")
    expect(
        page.get_by_text("Als u zich eerder niet aan deze spelregels")
    ).to_be_visible()
    check_page(page, "handout-nl")

    page.get_by_role("link", name="Spelregels in het Engels").click()
    expect(page).to_have_url(re.compile(r"/spelregels/en/$"))
    expect(heading).to_have_text(title("en", "handout"))
    expect(page.locator("article")).to_have_attribute("lang", "en")
    check_page(page, "handout-en")

    page.get_by_role("link", name="Telefoonscript om voor te lezen").click()
    expect(page).to_have_url(re.compile(r"/spelregels/en/telefoon/$"))
    expect(heading).to_have_text(title("en", "phone_script"))
    expect(page.get_by_text("Do you agree with these rules?")).to_be_visible()
    check_page(page, "phone-script-en")

    page.get_by_role("link", name="Telefoonscript in het Nederlands").click()
    expect(heading).to_have_text(title("nl", "phone_script"))
    expect(page.get_by_text("Bent u het eens met deze spelregels?")).to_be_visible()
    check_page(page, "phone-script-nl")


def test_printing_leaves_out_the_header_and_links(page: Page, demo_users):
    log_in(page, "medewerker")
    page.goto("/spelregels/nl/")
    page.emulate_media(media="print")
    expect(page.get_by_role("banner")).to_be_hidden()
    expect(page.get_by_role("link", name="Spelregels in het Engels")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "handout-nl-print")
