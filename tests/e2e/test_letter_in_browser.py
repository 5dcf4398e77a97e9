"""The team lead prints the letter to a flagged client, or downloads its PDF."""

import re

import pytest
from playwright.sync_api import Page, expect

from conversations.demo import conversations_demo_load
from tests.e2e.conftest import SCREENSHOTS, check_page
from tests.e2e.test_login import log_in
from tests.pdftext import pdf_text
from violations.demo import violations_demo_load

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The browser's print dialog is not ours to drive: note that it was asked for.
PRINT_SPY = "window.print = () => { document.body.dataset.printed = 'yes'; };"


def open_letter(page: Page) -> None:
    log_in(page, "teamleider")
    page.goto("/overtredingen/gesignaleerd/")
    page.get_by_role("link", name=re.compile("Opname gedeeld")).click()
    page.get_by_role("link", name="Brief in het Nederlands").click()


def test_the_letter_prints_and_downloads_in_dutch_and_english(page, demo_users):
    conversations_demo_load()
    violations_demo_load()
    page.add_init_script(PRINT_SPY)
    open_letter(page)
    window = page.get_by_test_id("letter-window")
    expect(window).to_contain_text("Emma Visser")
    expect(window).to_contain_text("[adres van de klant invullen]")
    reference = page.get_by_test_id("letter-reference")
    expect(reference).to_have_text(re.compile(r"^Melding \d+$"))
    expect(page.get_by_test_id("letter-signature")).to_contain_text("Ahmed El Amrani")
    check_page(page, "letter-nl")

    page.get_by_role("button", name="Afdrukken").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Afdrukken")).to_be_hidden()
    expect(page.get_by_role("link", name="Terug naar de melding")).to_be_hidden()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    page.screenshot(path=SCREENSHOTS / "letter-nl-print.png", full_page=True)
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF downloaden").click()
    pdf = download.value.path().read_bytes()
    (SCREENSHOTS / "letter-nl.pdf").write_bytes(pdf)  # to look at beside the PNGs
    assert download.value.suggested_filename.endswith("-nl.pdf")
    assert "Emma Visser" in pdf_text(pdf)

    page.get_by_role("link", name="Brief in het Engels").click()
    expect(page.locator("article.letter")).to_have_attribute("lang", "en")
    expect(reference).to_have_text(re.compile(r"^Report \d+$"))
    expect(page.get_by_role("link", name="Terug naar de melding")).to_be_visible()
    check_page(page, "letter-en")


def test_in_the_english_ui_the_letter_is_english_by_default(page, demo_users):
    conversations_demo_load()
    violations_demo_load()
    log_in(page, "teamleider")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    page.goto("/overtredingen/gesignaleerd/")
    page.get_by_role("link", name=re.compile("Recording shared")).click()
    page.get_by_role("link", name="Letter in English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You may no longer record conversations with UWV"
    )
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the report")).to_be_visible()
    check_page(page, "letter-ui-en")
