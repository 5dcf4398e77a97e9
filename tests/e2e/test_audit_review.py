import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from audit.catalogue import Action
from audit.models import ExportJob
from audit.payloads import Event
from audit.services.export import export_path
from audit.services.record import audit_record
from tests.conftest import BASE_DIR
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def verify(path) -> str:
    result = subprocess.run(
        [sys.executable, "audit/chain.py", str(path)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


@pytest.fixture
def exports_removed_afterwards():
    """The worker writes to its own export directory: take the files away after."""
    yield
    for job in ExportJob.objects.exclude(file_name=""):
        export_path(job).unlink(missing_ok=True)


@pytest.fixture
def moved_office(demo_users):
    """The employee's team moved office; someone in another team logged in."""
    employee = User.objects.get(username="medewerker")
    audit_record(
        actor=User.objects.get(username="medewerker2"), event=Event(Action.LOGGED_IN)
    )
    return audit_record(
        actor=employee,
        event=Event(Action.ADMIN_CHANGED),
        obj=employee.team,
        changes={"office": {"before": "Utrecht", "after": "Zwolle"}},
    )


def test_a_team_lead_filters_the_trail_and_opens_an_event(page: Page, moved_office):
    log_in(page, "teamleider")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Audittrail"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audittrail")
    expect(page.get_by_text("Pieter Bakker")).to_have_count(0)  # another team
    check_page(page, "audit-trail")

    page.get_by_label("Medewerker").select_option(label="Sanne de Vries (medewerker)")
    page.get_by_label("Handeling").select_option(label="gewijzigd in beheer")
    page.get_by_role("button", name="Filteren").click()
    # The filters are posted: the list's URL holds only their token.
    expect(page).to_have_url(re.compile(r"/audit/\?filters=[\w-]{8}$"))
    rows = page.locator("#events tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sanne de Vries")
    expect(rows.first).to_contain_text("✓ gelukt")
    check_page(page, "audit-trail-filtered")

    page.get_by_role("link", name=f"Bekijk gebeurtenis {moved_office.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gewijzigd in beheer")
    expect(page.get_by_text("Vestiging: Utrecht → Zwolle")).to_be_visible()
    check_page(page, "audit-event")


def test_a_wrong_period_is_explained_and_leads_to_its_field(page: Page, demo_users):
    log_in(page, "auditor")
    page.goto("/audit/")
    page.get_by_label("Van (datum)").fill("2026-11-28")
    page.get_by_label("Tot en met (datum)").fill("2026-11-01")
    page.get_by_role("button", name="Filteren").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("De einddatum mag niet vóór de begindatum liggen.")
    check_page(page, "audit-trail-error")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Tot en met (datum)")).to_be_focused()


def test_a_bsn_typed_into_a_filter_stays_out_of_the_url_and_the_page(
    page: Page, demo_users
):
    log_in(page, "auditor")
    page.goto("/audit/")
    page.get_by_label("Soort object").select_option(value="conversations.client")
    page.get_by_label("Object (id)").fill("klant 999990019")
    page.get_by_role("button", name="Filteren").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Vul hier geen burgerservicenummer (BSN) in.")
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.get_by_label("Object (id)")).to_have_value("")
    assert "999990019" not in page.content()
    check_page(page, "audit-trail-bsn-refused")


def test_an_auditor_exports_as_csv_and_as_a_background_job(
    page: Page,
    moved_office,
    celery_worker_process,
    exports_removed_afterwards,
    settings,
    tmp_path,
):
    log_in(page, "auditor")
    page.goto("/audit/")
    page.get_by_label("Medewerker").select_option(value=str(moved_office.actor_id))
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("#events tbody tr")).to_have_count(1)
    with page.expect_download() as streamed:
        page.get_by_role("button", name="Exporteer als CSV").click()
    path = tmp_path / streamed.value.suggested_filename
    streamed.value.save_as(path)
    assert path.suffix == ".csv"
    assert verify(path) == f"{path}: intact"

    settings.AUDIT_EXPORT_STREAM_LIMIT = 0
    page.get_by_role("button", name="Exporteer als JSON Lines").click()
    expect(page).to_have_url(re.compile(r"/audit/exports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Export van de audittrail"
    )
    download = page.get_by_role("link", name="Download het bestand")
    expect(download).to_be_visible(timeout=30_000)  # htmx polls the status
    expect(page.get_by_text("Status: klaar")).to_be_visible()
    check_page(page, "audit-export-job")
    with page.expect_download() as written:
        download.click()
    path = tmp_path / written.value.suggested_filename
    written.value.save_as(path)
    assert path.suffix == ".jsonl"
    assert verify(path) == f"{path}: intact"


def test_an_auditor_checks_the_trail_now_and_downloads_the_checker(
    page: Page, moved_office, celery_worker_process, settings, tmp_path
):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    log_in(page, "auditor")
    page.goto("/audit/")
    expect(page.locator("#events thead")).to_contain_text("Team")
    check_page(page, "audit-trail-auditor")
    page.get_by_role(
        "link", name="Controle van de audittrail: is alles nog intact?"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Controle van de audittrail"
    )
    check_page(page, "audit-verification")
    with page.expect_download() as checker:
        page.get_by_role(
            "link", name="Download het controleprogramma (chain.py)"
        ).click()
    assert checker.value.suggested_filename == "chain.py"

    page.get_by_role("button", name="Controleer de audittrail nu").click()
    expect(page).to_have_url(re.compile(r"/audit/controle/\d+/$"))
    result = page.get_by_test_id("verification-result")
    expect(result).to_contain_text("De audittrail is intact", timeout=30_000)
    check_page(page, "audit-verification-job")
    page.get_by_role("link", name="Terug naar de controle").click()
    expect(page.get_by_test_id("last-check")).to_contain_text("intact")
    check_page(page, "audit-verification-done")


def test_a_team_lead_reads_the_check_without_the_run_button(page: Page, moved_office):
    log_in(page, "teamleider")
    page.goto("/audit/")
    expect(page.locator("#events thead")).not_to_contain_text("Team")
    page.goto("/audit/controle/")
    expect(
        page.get_by_role("button", name="Controleer de audittrail nu")
    ).to_have_count(0)
    check_page(page, "audit-verification-team-lead")
