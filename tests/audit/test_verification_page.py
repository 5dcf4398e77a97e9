"""The integrity check in the app: the last check, a check run now, the checker."""

import time

import pytest
from django.urls import reverse

from audit.catalogue import Action, Result
from audit.models import AuditEvent, VerificationJob
from audit.payloads import TRAIL_VERIFIED
from audit.services.record import audit_record
from audit.services.verify import CHECKER

pytestmark = pytest.mark.django_db

PAGE = reverse("audit:verification")
RUN = reverse("audit:verification_run")


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"


def test_the_page_shows_the_last_check_and_its_reach(client, team_lead):
    audit_record(
        actor=None,
        event=TRAIL_VERIFIED({"checked": 41, "head_seq": 41, "pending": 2,
                              "anchors": 3, "problem": ""}),
    )  # fmt: skip
    client.force_login(team_lead)
    page = client.get(PAGE).text
    assert "intact: niets is veranderd, weggehaald of tussengevoegd" in page
    assert "positie 41 in de keten (41 gebeurtenissen)" in page
    assert "2 gebeurtenissen" in page
    assert f'href="{reverse("audit:checker")}"' in page
    assert "Controleer de audittrail nu" not in page  # a team lead only reads


def test_a_team_lead_may_not_start_a_check_and_is_recorded(client, team_lead):
    client.force_login(team_lead)
    assert client.post(RUN).status_code == 403
    refused = AuditEvent.objects.filter(actor_id=team_lead.pk).latest("id")
    assert (refused.action, refused.result) == (
        Action.VERIFICATION_REQUESTED,
        Result.DENIED,
    )
    assert not VerificationJob.objects.exists()


def test_the_checker_downloads_as_the_file_and_is_recorded(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("audit:checker"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="chain.py"'
    assert b"".join(response.streaming_content) == CHECKER.read_bytes()
    downloaded = AuditEvent.objects.filter(actor_id=auditor.pk).latest("id")
    assert downloaded.action == Action.CHECKER_DOWNLOADED


def wait_until_finished(job_id: int, timeout: float = 60.0) -> VerificationJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = VerificationJob.objects.get(pk=job_id)
        if job.status in (VerificationJob.Status.DONE, VerificationJob.Status.FAILED):
            return job
        time.sleep(0.2)
    raise AssertionError(f"verification job {job_id} did not finish in {timeout} s")


@pytest.mark.django_db(transaction=True)
def test_an_auditor_runs_a_check_through_a_worker_and_sees_the_result(
    celery_worker_process, client, auditor
):
    client.force_login(auditor)
    response = client.post(RUN)
    assert response.status_code == 303
    job = VerificationJob.objects.get(requested_by=auditor)
    assert response["Location"] == reverse("audit:verification_job", args=[job.pk])
    requested = AuditEvent.objects.get(
        actor_id=auditor.pk, action=Action.VERIFICATION_REQUESTED
    )
    assert requested.data == {"job": job.pk}

    job = wait_until_finished(job.pk)
    assert (job.status, job.intact) == ("done", True)
    assert job.links_checked == job.head_seq == job.links_expected > 0
    verified = AuditEvent.objects.filter(action=Action.TRAIL_VERIFIED).latest("id")
    assert (verified.result, verified.origin) == (Result.SUCCESS, "task")
    assert verified.data["job"] == job.pk
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="verification-status">')
    assert "De audittrail is intact, tot en met positie" in partial.text
    assert "hx-get" not in partial.text  # finished: no more polling
    page = client.get(PAGE).text
    assert f"positie {job.head_seq} in de keten" in page
