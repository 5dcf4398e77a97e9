"""Legal holds, access exports and the retention schedule in a real browser, axe
on every page.

One auditor places a hold and asks to lift it; a second auditor agrees. An auditor
makes a client's access export, which a real worker writes, and downloads it. The
pages are seen in Dutch and in English.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from conversations.demo import conversations_demo_load
from privacy.models import AccessExport, LegalHold
from privacy.services.access_export import access_export_path
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in
from tests.factories import UserFactory
from tests.pdftext import pdf_text
from tests.second_factor import authenticator_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def second_auditor(demo_users):
    """Another auditor, who logs in as the demo users do."""
    user = UserFactory(
        auditor=True, username="auditor2", first_name="Jeroen", last_name="Smit"
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    authenticator_for(user)
    return user


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Uitloggen|Log out")).click()


def to_english(page: Page) -> None:
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_two_auditors_place_and_lift_a_hold(page: Page, second_auditor):
    conversations_demo_load()
    log_in(page, "auditor")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Privacy"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewaartermijnen")
    check_page(page, "privacy-schedule")

    page.get_by_role("link", name="Bewaarplichten").click()
    expect(page.get_by_text("Er staan geen bewaarplichten.")).to_be_visible()
    page.get_by_role("link", name="Bewaarplicht instellen").click()
    check_page(page, "legal-hold-form")
    page.get_by_role("button", name="Bewaarplicht instellen").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_page(page, "legal-hold-form-errors")

    page.get_by_label("BSN van de klant").fill("999990019")
    page.get_by_label("Zaaknummer").fill("BZW-2026-0042")
    page.get_by_label("Reden").fill("Bezwaar en beroep lopen.")
    page.get_by_label("Tot en met (niet verplicht)").fill("31-12-2030")
    page.get_by_role("button", name="Bewaarplicht instellen").click()
    expect(page.get_by_role("status")).to_contain_text(
        "De bewaarplicht voor Fatima Yilmaz (*****0019) is ingesteld."
    )
    expect(page.get_by_test_id("hold-status")).to_contain_text("Staat")
    expect(page.get_by_text("31 december 2030")).to_be_visible()
    check_page(page, "legal-hold-placed")

    page.get_by_label("Reden om op te heffen").fill("De zaak is afgesloten.")
    page.get_by_role("button", name="Opheffen vragen").click()
    expect(page.get_by_test_id("hold-status")).to_contain_text("opheffen gevraagd")
    expect(
        page.get_by_role("button", name="Akkoord: bewaarplicht opheffen")
    ).to_have_count(0)
    check_page(page, "legal-hold-lift-requested")
    log_out(page)

    log_in(page, "auditor2")
    page.goto("/privacy/bewaarplichten/")
    expect(page.locator("#standing")).to_contain_text("Fatima Yilmaz")
    check_page(page, "legal-holds")
    page.get_by_role("link", name="Fatima Yilmaz").click()
    page.get_by_role("button", name="Akkoord: bewaarplicht opheffen").click()
    expect(page.get_by_role("status")).to_contain_text("De bewaarplicht is opgeheven.")
    expect(page.get_by_test_id("hold-status")).to_contain_text("Opgeheven")
    check_page(page, "legal-hold-lifted")
    hold = LegalHold.objects.get()
    assert (hold.lift_requested_by.username, hold.lifted_by.username) == (
        "auditor",
        "auditor2",
    )

    to_english(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Legal hold for")
    check_page(page, "legal-hold-lifted-english")
    page.get_by_role("link", name="Back to the legal holds").click()
    expect(page.locator("#ended")).to_contain_text("Lifted")
    check_page(page, "legal-holds-english")
    page.get_by_role("link", name="Retention periods").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention periods")
    check_page(page, "privacy-schedule-english")


def test_an_admin_reads_the_schedule_only(page: Page, demo_users):
    log_in(page, "beheerder")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Privacy"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewaartermijnen")
    expect(page.get_by_role("link", name="Bewaarplichten")).to_have_count(0)
    expect(page.locator("#schedule tbody tr")).to_have_count(7)
    check_page(page, "privacy-schedule-admin")


def test_an_auditor_makes_and_downloads_a_clients_access_export(
    page: Page, demo_users, celery_worker_process, tmp_path
):
    conversations_demo_load()
    log_in(page, "auditor")
    page.goto("/privacy/")
    page.get_by_role("link", name="Inzage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inzage-exports")
    expect(page.get_by_text("U hebt (nog) geen inzage-exports gemaakt")).to_be_visible()
    check_page(page, "access-exports-empty")
    page.get_by_role("link", name="Inzage-export maken").click()
    page.get_by_role("button", name="Inzage-export maken").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_page(page, "access-export-form-errors")

    page.get_by_label("BSN van de klant").fill("999990020")
    page.get_by_role("button", name="Inzage-export maken").click()
    expect(page.get_by_role("status")).to_contain_text(
        "De inzage-export voor Johan de Boer (*****0020) wordt gemaakt."
    )
    assert "999990020" not in page.url
    # The worker writes it; the page follows it without a reload.
    expect(page.get_by_role("link", name="Download de PDF")).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text("7 van 7 stappen klaar.")).to_be_visible()
    check_page(page, "access-export-done")
    export = AccessExport.objects.get()
    try:
        with page.expect_download() as download:
            page.get_by_role("link", name="Download de PDF").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert (
            saved.name == f"inzage-{export.pk}-{timezone.localdate().isoformat()}.pdf"
        )
        text = pdf_text(saved.read_bytes())
        assert "Johan de Boer" in text
        assert "Anja de Boer" not in text  # the third person, by role only

        page.get_by_role("link", name="Terug naar de inzage-exports").click()
        expect(page.locator("#access-exports")).to_contain_text("Johan de Boer")
        check_page(page, "access-exports")
        to_english(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Access exports")
        check_page(page, "access-exports-english")
        page.get_by_role("link", name=f"Access export {export.pk}").click()
        expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
        check_page(page, "access-export-done-english")
    finally:
        for file_format in ("pdf", "json"):
            access_export_path(export, file_format).unlink(missing_ok=True)
