"""Exports: streamed or made by a worker, checked by the standalone verifier."""

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import chain
from audit.catalogue import Action, Result
from audit.models import AuditEvent, AuditLink, ExportJob
from audit.selectors import TrailFilters, audit_events_for
from audit.services.anchor import audit_anchor
from audit.services.export import (
    audit_export_resend,
    audit_export_write,
    export_is_large,
    export_path,
)
from tests.audit.review import add_event, filtered_url
from tests.conftest import BASE_DIR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("audit:export")


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"


def verify(path: Path) -> tuple[int, str]:
    """Run the standalone verifier on ``path`` as an auditor would."""
    result = subprocess.run(
        [sys.executable, "audit/chain.py", str(path)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, (result.stdout + result.stderr).strip()


def filters_token(client, **filters) -> str:
    """Filter the trail as the form does; return the token the export posts."""
    return filtered_url(client, filters).split("filters=")[1]


def export(client, file_format: str, **filters) -> bytes:
    token = filters_token(client, **filters)
    response = client.post(EXPORT, {"filters": token, "format": file_format})
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content)


def jsonl(content: bytes) -> list[dict]:
    return [json.loads(line) for line in content.decode().splitlines()]


@pytest.mark.parametrize("file_format", ["csv", "jsonl"])
def test_a_streamed_export_is_intact_for_the_verifier(
    client, auditor, employee, tmp_path, file_format
):
    events = [add_event(employee) for _ in range(3)]
    client.force_login(auditor)
    content = export(client, file_format, employee=employee.pk)
    path = tmp_path / f"export.{file_format}"
    path.write_bytes(content)
    code, output = verify(path)
    assert (code, output) == (0, f"{path}: intact")
    links = AuditLink.objects.filter(event_id__in=[e.pk for e in events])
    assert links.count() == 3  # the export chained them first
    if file_format == "jsonl":
        lines = jsonl(content)
        assert [line["event"]["id"] for line in lines[1:-1]] == [e.pk for e in events]
        assert lines[-1] == {"type": "footer", "rows": 3}


def test_a_jsonl_export_opens_with_the_filters_and_the_latest_anchor(
    client, auditor, employee
):
    add_event(employee)
    client.force_login(auditor)
    export(client, "jsonl", employee=employee.pk)  # chains the event
    anchor = audit_anchor()
    header = jsonl(export(client, "jsonl", employee=employee.pk))[0]
    assert header["type"] == "header"
    assert (header["format"], header["version"]) == ("uwvrec-audit-export", 1)
    assert header["anchor"] == {"seq": anchor.seq, "hash": anchor.hash}
    assert header["filters"] == {"actor_id": employee.pk}
    assert dt.datetime.fromisoformat(header["exported_at"]).tzinfo is not None


def test_a_csv_export_holds_the_anchor_the_header_and_the_row_count(
    client, auditor, employee
):
    add_event(employee)
    client.force_login(auditor)
    export(client, "csv", employee=employee.pk)
    anchor = audit_anchor()
    rows = list(
        csv.reader(io.StringIO(export(client, "csv", employee=employee.pk).decode()))
    )
    assert rows[0] == [
        "#uwvrec-audit-export v1",
        f"anchor_seq={anchor.seq}",
        f"anchor_hash={anchor.hash}",
        # Nothing of this trail was retired: no checkpoint to go on from.
        "checkpoint_seq=",
        "checkpoint_hash=",
    ]
    assert rows[1][:4] == [
        "Positie in de keten [seq]",
        "Vorige hash [prev_hash]",
        "Hash [hash]",
        "Gebeurtenis (nummer) [id]",
    ]
    assert rows[-1] == ["#rows=1"]


@pytest.mark.parametrize("file_format", ["csv", "jsonl"])
def test_an_export_says_time_action_and_result_in_words_and_still_verifies(
    client, auditor, employee, tmp_path, file_format
):
    from tests.audit.review import at

    add_event(
        employee,
        occurred_at=at(2026, 12, 1, 9, 0, 5),
        action=Action.ADMIN_CHANGED,
        result=Result.DENIED,
    )
    client.force_login(auditor)
    content = export(client, file_format, employee=employee.pk)
    path = tmp_path / f"export.{file_format}"
    path.write_bytes(content)
    assert verify(path) == (0, f"{path}: intact")
    words = ["1 december 2026, 09:00:05", "gewijzigd in beheer", "geweigerd"]
    if file_format == "jsonl":
        [line] = jsonl(content)[1:-1]
        assert line["readable"] == dict(
            zip(("occurred_at", "action", "result"), words, strict=True)
        )
        assert line["event"]["action"] == "admin.object_changed"  # the code stays
        return
    header, row = list(csv.reader(io.StringIO(content.decode())))[1:3]
    assert header[-3:] == ["Tijdstip (Nederlandse tijd)", "Handeling", "Resultaat"]
    assert "Handeling (code) [action]" in header
    assert row[-3:] == words
    assert row[header.index("Handeling (code) [action]")] == "admin.object_changed"


def test_a_formula_in_a_csv_cell_is_neutralised_and_still_verifies(
    client, auditor, employee, tmp_path
):
    formula = '=HYPERLINK("http://example.org","klik")'
    event = add_event(
        employee,
        object_type="accounts.team",
        object_id=formula[:64],
        data={"note": "+1-1", "list": ["@SUM(A1)"]},
    )
    client.force_login(auditor)
    content = export(client, "csv", employee=employee.pk).decode()
    rows = list(csv.reader(io.StringIO(content)))
    header = [chain.field_name(cell) for cell in rows[1]]
    row = next(r for r in rows[2:-1] if r[header.index("id")] == str(event.pk))
    assert row[header.index("object_id")] == "'" + formula[:64]
    assert row[header.index("data")] == '{"list":["@SUM(A1)"],"note":"+1-1"}'
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    path = tmp_path / "export.csv"
    path.write_text(content, encoding="utf-8", newline="")
    assert verify(path) == (0, f"{path}: intact")


@pytest.mark.parametrize("file_format", ["csv", "jsonl"])
def test_a_changed_export_fails_the_verifier(
    client, auditor, employee, tmp_path, file_format
):
    add_event(employee, result=Result.DENIED)
    client.force_login(auditor)
    content = export(client, file_format, employee=employee.pk).decode()
    path = tmp_path / f"export.{file_format}"
    path.write_text(content.replace("denied", "success"), encoding="utf-8", newline="")
    code, output = verify(path)
    assert code == 1
    assert "hash does not match" in output


def test_a_cut_off_export_fails_the_verifier(client, auditor, employee, tmp_path):
    add_event(employee)
    client.force_login(auditor)
    content = export(client, "jsonl", employee=employee.pk).decode()
    path = tmp_path / "export.jsonl"
    path.write_text("".join(content.splitlines(keepends=True)[:-1]))
    assert verify(path)[0] == 1


def test_exporting_is_recorded_with_format_and_filters(client, auditor, employee):
    client.force_login(auditor)
    export(client, "csv", employee=employee.pk)
    exported = AuditEvent.objects.get(actor_id=auditor.pk, action=Action.TRAIL_EXPORTED)
    assert exported.result == Result.SUCCESS
    assert exported.data == {"format": "csv", "filters": {"actor_id": employee.pk}}


def test_a_team_lead_exports_their_own_team_only(client, team_lead, employee):
    own, elsewhere = add_event(employee), add_event(UserFactory())
    client.force_login(team_lead)
    response = client.post(EXPORT, {"format": "jsonl"})
    events = [
        line["event"]
        for line in jsonl(b"".join(response.streaming_content))
        if line["type"] == "event"
    ]
    ids = {event["id"] for event in events}
    assert own.pk in ids
    assert elsewhere.pk not in ids
    assert {event["team_id"] for event in events} == {team_lead.team_id}


@pytest.mark.parametrize("persona", ["employee", "admin_user"])
def test_others_may_not_export_and_are_recorded(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.post(EXPORT, {"format": "csv"}).status_code == 403
    refused = AuditEvent.objects.get(actor_id=user.pk, action=Action.TRAIL_EXPORTED)
    assert refused.result == Result.DENIED


def test_an_unknown_format_is_refused_in_dutch(client, auditor):
    client.force_login(auditor)
    response = client.post(EXPORT, {"format": "xlsx"}, follow=True)
    assert response.redirect_chain == [(reverse("audit:trail"), 303)]
    assert "Er is niets geëxporteerd: kies CSV of JSON Lines." in response.text
    refused = AuditEvent.objects.get(actor_id=auditor.pk, action=Action.TRAIL_EXPORTED)
    assert (refused.result, refused.data) == (
        Result.FAILED,
        {"errors": {"format": ["invalid_choice"]}},
    )


def test_exporting_needs_a_post(client, auditor):
    client.force_login(auditor)
    assert client.get(EXPORT, {"format": "csv"}).status_code == 405


def test_the_size_check_counts_no_further_than_the_limit(settings, auditor, employee):
    settings.AUDIT_EXPORT_STREAM_LIMIT = 2
    for _ in range(3):
        add_event(employee)
    events = audit_events_for(user=auditor, filters=TrailFilters(actor_id=employee.pk))
    with CaptureQueriesContext(connection) as queries:
        assert export_is_large(events)
    assert "LIMIT 3" in queries[0]["sql"]
    settings.AUDIT_EXPORT_STREAM_LIMIT = 3
    assert not export_is_large(events)


def test_a_job_of_someone_who_may_no_longer_review_fails_with_a_reason(employee):
    job = ExportJob.objects.create(
        requested_by=employee, file_format="csv", status=ExportJob.Status.QUEUED
    )
    with pytest.raises(PermissionDenied):
        audit_export_write(job=job)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == "PermissionDenied: permission denied"
    assert job.finished_at is not None


def test_a_job_writes_its_file_and_reports_the_rows(
    settings, auditor, employee, tmp_path
):
    settings.AUDIT_EXPORT_DIR = tmp_path / "exports"
    events = [add_event(employee) for _ in range(3)]
    job = ExportJob.objects.create(
        requested_by=auditor,
        file_format="jsonl",
        status=ExportJob.Status.QUEUED,
        filters={"actor_id": employee.pk},
    )
    audit_export_write(job=job)
    job.refresh_from_db()
    path = export_path(job)
    assert path.parent == tmp_path / "exports"
    assert (job.status, job.rows_expected, job.rows_written) == ("done", 3, 3)
    assert verify(path) == (0, f"{path}: intact")
    ids = [line["event"]["id"] for line in jsonl(path.read_bytes())[1:-1]]
    assert ids == [event.pk for event in events]
    assert list(path.parent.iterdir()) == [path]  # no part file left behind


# --- A large export, through a real Celery worker -----------------------------------


def wait_until_finished(job_id: int, timeout: float = 60.0) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ExportJob.objects.get(pk=job_id)
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return job
        time.sleep(0.2)
    raise AssertionError(f"export job {job_id} did not finish in {timeout} s")


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_written_by_a_worker_and_downloaded(
    celery_worker_process, client, settings, auditor, employee, tmp_path
):
    settings.AUDIT_EXPORT_STREAM_LIMIT = 3
    events = [add_event(employee) for _ in range(4)]
    client.force_login(auditor)
    token = filters_token(client, employee=employee.pk)
    response = client.post(EXPORT, {"filters": token, "format": "csv"})
    assert response.status_code == 303
    job = ExportJob.objects.get(requested_by=auditor)
    assert response["Location"] == reverse("audit:export_job", args=[job.pk])

    job = wait_until_finished(job.pk)
    try:
        assert (job.status, job.rows_expected, job.rows_written) == ("done", 4, 4)
        page = client.get(response["Location"])
        download = reverse("audit:export_download", args=[job.pk])
        assert f'href="{download}"' in page.text
        partial = client.get(response["Location"], headers={"HX-Request": "true"})
        assert partial.text.lstrip().startswith('<div id="export-status">')

        file = client.get(download)
        assert file.status_code == 200
        assert file["Content-Disposition"].startswith('attachment; filename="uwvrec-')
        path = tmp_path / "export.csv"
        path.write_bytes(b"".join(file.streaming_content))
        assert verify(path) == (0, f"{path}: intact")
        rows = list(csv.reader(io.StringIO(path.read_text())))
        assert [int(row[3]) for row in rows[2:-1]] == [e.pk for e in events]
    finally:
        export_path(job).unlink(missing_ok=True)

    exported = AuditEvent.objects.filter(
        actor_id=auditor.pk, action=Action.TRAIL_EXPORTED
    )
    assert [event.data for event in exported.order_by("id")] == [
        {"format": "csv", "filters": {"actor_id": employee.pk}, "job": job.pk}
    ] * 2


def test_only_the_requester_or_an_auditor_follows_and_downloads_a_job(
    client, team_lead, auditor
):
    job = ExportJob.objects.create(
        requested_by=auditor,
        file_format="csv",
        status=ExportJob.Status.RUNNING,
        rows_expected=10,
        rows_written=4,
    )
    page = reverse("audit:export_job", args=[job.pk])
    download = reverse("audit:export_download", args=[job.pk])
    client.force_login(team_lead)
    assert client.get(page).status_code == 404
    assert client.get(download).status_code == 404
    client.force_login(UserFactory(auditor=True))
    response = client.get(page)
    assert response.status_code == 200
    assert "4 van 10 gebeurtenissen geschreven." in response.text
    assert 'hx-trigger="every 2s"' in response.text
    assert client.get(download).status_code == 404  # not done yet


def test_employees_may_not_follow_a_job_and_are_recorded(client, employee, auditor):
    job = ExportJob.objects.create(
        requested_by=auditor, file_format="csv", status=ExportJob.Status.DONE
    )
    client.force_login(employee)
    assert client.get(reverse("audit:export_job", args=[job.pk])).status_code == 403
    assert (
        client.get(reverse("audit:export_download", args=[job.pk])).status_code == 403
    )
    refused = AuditEvent.objects.filter(
        actor_id=employee.pk, action=Action.TRAIL_EXPORTED
    )
    assert [event.result for event in refused] == [Result.DENIED] * 2


@pytest.mark.django_db(transaction=True)
def test_a_job_still_waiting_after_minutes_is_sent_again(
    celery_worker_process, auditor, employee
):
    """As when the broker was down at the moment the job was queued."""
    add_event(employee)
    job = ExportJob.objects.create(
        requested_by=auditor,
        file_format="jsonl",
        status=ExportJob.Status.QUEUED,
        filters={"actor_id": employee.pk},
    )
    fresh = ExportJob.objects.create(
        requested_by=auditor, file_format="csv", status=ExportJob.Status.QUEUED
    )
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(created_at=now - dt.timedelta(minutes=6))
    try:
        assert audit_export_resend(at=now) == 1
        assert wait_until_finished(job.pk).status == ExportJob.Status.DONE
        assert ExportJob.objects.get(pk=fresh.pk).status == ExportJob.Status.QUEUED
    finally:
        export_path(ExportJob.objects.get(pk=job.pk)).unlink(missing_ok=True)
