"""The client's access export (AVG art. 15) on the real database: what it holds,
checked against SQL; who may ask for it, follow it and download it; and that it
and its files are gone after the export files' period."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.demo import demo_data_load
from audit.models import AuditEvent
from conversations.bsn import bsn_hash
from conversations.demo import conversations_demo_load
from conversations.models import Client, Conversation
from conversations.services import client_lookup
from privacy.models import AccessExport
from privacy.services.access_export import (
    access_export_build,
    access_export_path,
    access_export_request,
)
from privacy.services.retention import retention_due, retention_run
from tests.factories import ClientFactory, ConversationFactory, UserFactory, valid_bsn
from tests.pdftext import pdf_objects, pdf_text
from tests.violations.helpers import confirmed
from violations.demo import violations_demo_load
from violations.services import letter_print_record

pytestmark = pytest.mark.django_db

# A demo client with a held conversation and a third person (conversations.demo).
DEMO_BSN = "999990020"
REQUEST, LIST = reverse("privacy:access_request"), reverse("privacy:access")


@pytest.fixture
def export_dir(settings, tmp_path) -> Path:
    settings.ACCESS_EXPORT_DIR = tmp_path / "access"
    return settings.ACCESS_EXPORT_DIR


def built(auditor, bsn: str) -> AccessExport:
    export = access_export_request(actor=auditor, bsn=bsn, at=timezone.now())
    access_export_build(export=export)
    export.refresh_from_db()
    return export


def files_of(export: AccessExport) -> tuple[dict, str]:
    document = json.loads(access_export_path(export, "json").read_text("utf-8"))
    return document, pdf_text(access_export_path(export, "pdf").read_bytes())


def sql_rows(sql: str, params: list) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return set(cursor.fetchall())


def test_a_demo_clients_export_holds_what_sql_finds_for_them_and_nobody_elses(
    export_dir, auditor
):
    demo_data_load()
    conversations_demo_load()
    violations_demo_load()
    client = Client.objects.get(bsn_hash=bsn_hash(DEMO_BSN))
    employee = Conversation.objects.filter(client=client).first().employee
    # Another conversation of theirs, decided, with a confirmed violation and its
    # letter: every part of the export has something in it.
    lead = UserFactory(team_lead=True, team=employee.team)
    report = confirmed(
        employee, lead, ConversationFactory(employee=employee, client=client)
    )
    letter_print_record(actor=lead, report=report, language="nl", pdf=True)

    export = built(auditor, DEMO_BSN)
    document, text = files_of(export)

    assert export.status == "done"
    assert (export.steps_done, export.steps_expected) == (7, 7)
    assert document["client"]["name"] == client.display_name
    assert document["client"]["bsn_masked"] == client.bsn_masked
    assert DEMO_BSN not in json.dumps(document)
    assert DEMO_BSN not in text
    # Every conversation and decision SQL finds for this client, and no other.
    assert {(c["id"],) for c in document["conversations"]} == sql_rows(
        "SELECT id FROM conversations_conversation WHERE client_id = %s", [client.pk]
    )
    assert {
        (c["id"], d["sequence"], d["outcome"]["code"])
        for c in document["conversations"]
        for d in c["decisions"]
    } == sql_rows(
        "SELECT d.conversation_id, d.sequence, d.outcome FROM conversations_decision d "
        "JOIN conversations_conversation c ON c.id = d.conversation_id "
        "WHERE c.client_id = %s",
        [client.pk],
    )
    assert {(r["id"],) for r in document["violation_reports"]} == sql_rows(
        "SELECT id FROM violations_violationreport WHERE client_id = %s", [client.pk]
    )
    assert document["client"]["flag"]["report"] == report.pk
    assert [letter["report"] for letter in document["letters"]] == [report.pk]
    # No other client's name, no participant's name, no employee's name.
    others = Client.objects.exclude(pk=client.pk).values_list("display_name", flat=True)
    participants = sql_rows(
        "SELECT p.name FROM conversations_participant p "
        "JOIN conversations_conversation c ON c.id = p.conversation_id "
        "WHERE c.client_id = %s",
        [client.pk],
    )
    assert participants, "the demo client's conversation has a third person"
    whole = json.dumps(document, ensure_ascii=False)
    for name in [*others, *(name for (name,) in participants)]:
        assert name not in whole, name
        assert name not in text, name
    for person in (employee, lead, auditor):
        assert person.get_full_name() not in whole
        assert person.get_full_name() not in text
    # The PDF says it in Dutch, the decisions' reasons and rule texts in words.
    assert client.display_name in text
    assert "Inzage in uw gegevens bij UWV" in text
    assert "De spelregels die u zijn verteld" in text
    assert "Wie bij UWV uw gegevens heeft bekeken of vastgelegd" in text
    third = "Derde (partner, familie, vriend, werkgever)"
    assert third in text.replace("\n", " ")
    export_dir.joinpath("demo.pdf").write_bytes(  # for a look at it
        access_export_path(export, "pdf").read_bytes()
    )
    told = {
        c["rule_text_told"]["id"]
        for c in document["conversations"]
        if c["rule_text_told"]
    }
    assert told <= {t["id"] for t in document["rule_texts"]}
    assert told, "the held demo conversation was told the rules"


def test_the_pdf_is_tagged_in_dutch_with_a_title(export_dir, auditor):
    export = built(auditor, ClientFactory(display_name="Fatima Yilmaz").bsn)

    pdf = access_export_path(export, "pdf").read_bytes()
    objects = pdf_objects(pdf)
    assert pdf.startswith(b"%PDF-")
    assert b"/StructTreeRoot" in objects
    assert b"/Lang (nl)" in objects
    assert b"/DisplayDocTitle true" in objects


def test_who_looked_is_told_by_role_and_team_and_by_name_only_if_set(
    export_dir, settings, auditor, employee
):
    bsn = ConversationFactory(employee=employee).client.bsn
    client_lookup(actor=employee, bsn=bsn)  # the employee looks the client up

    document, _ = files_of(built(auditor, bsn))
    looked = [view["by"] for view in document["views"]]
    assert {"role": "Medewerker", "team": employee.team.name} in looked
    assert all("name" not in by for by in looked)

    settings.ACCESS_EXPORT_EMPLOYEE_NAMES = True
    document, text = files_of(built(auditor, bsn))
    assert document["employee_names_shown"] is True
    assert employee.get_full_name() in {
        view["by"].get("name") for view in document["views"]
    }
    assert employee.get_full_name() in text


def test_the_auditor_asks_by_bsn_in_a_post_and_every_step_is_audited(
    client, export_dir, auditor
):
    person = ClientFactory(display_name="Fatima Yilmaz")
    client.force_login(auditor)

    response = client.post(REQUEST, {"bsn": person.bsn})

    export = AccessExport.objects.get(requested_by=auditor)
    assert response.status_code == 303
    assert response["Location"] == reverse("privacy:access_detail", args=[export.pk])
    assert person.bsn not in response["Location"]
    assert (export.client, export.status) == (person, "queued")
    assert export.expires_at - export.created_at == dt.timedelta(days=7)
    actions = list(
        AuditEvent.objects.filter(client_ref=person.client_ref)
        .order_by("id")
        .values_list("action", "result", "actor_id")
    )
    assert actions == [
        ("client.searched", "success", auditor.pk),
        ("privacy.access_requested", "success", auditor.pk),
    ]
    page = client.get(response["Location"])
    assert "Fatima Yilmaz" in page.text
    assert "in de wachtrij" in page.text
    viewed = AuditEvent.objects.filter(action="privacy.access_viewed").latest("id")
    assert (viewed.client_ref, viewed.data) == (
        person.client_ref,
        {"page": "privacy:access_detail", "status": "queued"},
    )
    # htmx polls the status; the polls are not recorded again.
    client.get(response["Location"], headers={"HX-Request": "true"})
    assert AuditEvent.objects.filter(action="privacy.access_viewed").count() == 1

    access_export_build(export=export)
    built_event = AuditEvent.objects.filter(action="privacy.access_prepared").get()
    assert built_event.actor_id is None
    assert built_event.client_ref == person.client_ref
    assert built_event.data["counts"]["conversations"] == 0
    for file_format, kind in (("pdf", "application/pdf"), ("json", "application/json")):
        download = client.get(
            reverse("privacy:access_download", args=[export.pk, file_format])
        )
        body = b"".join(download.streaming_content)  # read whole, then closed
        assert download.status_code == 200
        assert download["Content-Type"] == kind
        day = timezone.localdate().isoformat()
        day = timezone.localdate().isoformat()
        assert download["Content-Disposition"] == (
            f'attachment; filename="inzage-{export.pk}-{day}.{file_format}"'
        )
        assert body == access_export_path(export, file_format).read_bytes()
    downloads = AuditEvent.objects.filter(action="privacy.access_downloaded")
    assert [e.data for e in downloads.order_by("id")] == [
        {"format": "pdf"},
        {"format": "json"},
    ]


def test_an_unknown_bsn_is_told_in_dutch_and_the_refusal_recorded(client, auditor):
    client.force_login(auditor)

    response = client.post(REQUEST, {"bsn": valid_bsn()})

    assert response.status_code == 200
    assert "Er is geen klant met dit BSN. Controleer het nummer." in response.text
    assert not AccessExport.objects.exists()
    refusal = AuditEvent.objects.filter(action="privacy.access_requested").get()
    assert (refusal.result, refusal.data) == ("failed", {"code": "not_found"})


def test_only_the_auditor_who_asked_sees_and_downloads_the_export(
    client, export_dir, auditor, employee, team_lead, admin_user
):
    person = ClientFactory()
    export = built(auditor, person.bsn)
    other_auditor = UserFactory(auditor=True)
    urls = [
        reverse("privacy:access_detail", args=[export.pk]),
        reverse("privacy:access_download", args=[export.pk, "pdf"]),
        reverse("privacy:access_download", args=[export.pk, "json"]),
    ]

    client.force_login(other_auditor)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert person.display_name not in client.get(LIST).text
    for user in (employee, team_lead, admin_user):
        client.force_login(user)
        assert [client.get(url).status_code for url in [LIST, REQUEST, *urls]] == [
            403
        ] * 5
    refused = AuditEvent.objects.filter(
        action__startswith="privacy.access_", result="denied"
    )
    assert refused.count() == 15
    downloaded = AuditEvent.objects.filter(action="privacy.access_downloaded")
    assert not downloaded.filter(result="success").exists()


def test_the_files_expire_after_the_period_and_the_run_deletes_them(
    client, export_dir, auditor
):
    person = ClientFactory()
    export = built(auditor, person.bsn)
    pdf = reverse("privacy:access_download", args=[export.pk, "pdf"])
    client.force_login(auditor)
    paths = [access_export_path(export, f) for f in ("pdf", "json")]

    with time_machine.travel(export.created_at + dt.timedelta(days=7, seconds=-60)):
        client.force_login(auditor)  # the session of a week ago is long over
        response = client.get(pdf)
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert retention_due()["export_file"] == 0
    with time_machine.travel(export.created_at + dt.timedelta(days=7)):
        client.force_login(auditor)
        gone = client.get(pdf)
        assert gone.status_code == 404
        assert (
            "verlopen"
            in client.get(reverse("privacy:access_detail", args=[export.pk])).text
        )
        assert retention_due()["export_file"] == 1
        assert retention_run().removed["export_file"] == 1

    assert not AccessExport.objects.filter(pk=export.pk).exists()
    assert not any(path.exists() for path in paths)
    removed = AuditEvent.objects.filter(
        action="privacy.records_removed", data__kind="export_file"
    ).get()
    assert removed.data == {
        "kind": "export_file",
        "removed": {"privacy_accessexport": [1, export.pk, export.pk]},
    }


def test_a_client_with_an_access_export_is_kept_until_the_export_is_gone(
    export_dir, auditor
):
    person = ClientFactory()
    Client.objects.filter(pk=person.pk).update(
        created_at=timezone.now() - dt.timedelta(days=800)
    )
    export = built(auditor, person.bsn)
    assert retention_due()["client"] == 0

    AccessExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8),
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    report = retention_run()

    assert (report.removed["export_file"], report.removed["client"]) == (1, 1)
    assert not Client.objects.filter(pk=person.pk).exists()


def test_a_build_that_cannot_write_fails_with_no_file_and_is_recorded(
    settings, tmp_path, auditor
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.ACCESS_EXPORT_DIR = blocker / "access"
    export = access_export_request(
        actor=auditor, bsn=ClientFactory().bsn, at=timezone.now()
    )

    with pytest.raises(NotADirectoryError):
        access_export_build(export=export)

    export.refresh_from_db()
    assert export.status == "failed"
    assert export.error == "NotADirectoryError"  # the kind only, no details
    failure = AuditEvent.objects.filter(action="privacy.access_prepared").get()
    assert (failure.result, failure.data) == ("failed", {"code": "failed"})
    # Built again, a failed export is left as it is: the auditor asks anew.
    assert access_export_build(export=export).status == "failed"


def test_a_build_run_twice_writes_once(export_dir, auditor):
    export = built(auditor, ClientFactory().bsn)
    stem = export.file_stem

    access_export_build(export=export)

    export.refresh_from_db()
    assert export.file_stem == stem
    assert AuditEvent.objects.filter(action="privacy.access_prepared").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_export_and_the_page_follows_it(
    celery_worker_process, client, auditor
):
    # The worker is another process: it writes where its settings say.
    person = ClientFactory(display_name="Fatima Yilmaz")
    ConversationFactory(client=person)
    client.force_login(auditor)

    response = client.post(REQUEST, {"bsn": person.bsn})
    export = AccessExport.objects.get(requested_by=auditor)
    deadline = time.monotonic() + 60
    while export.status in ("queued", "running"):
        assert time.monotonic() < deadline, "the worker did not build it in 60 s"
        time.sleep(0.2)
        export.refresh_from_db()

    try:
        assert export.status == "done"
        page = client.get(response["Location"])
        assert "Download de PDF" in page.text
        assert "7 van 7 stappen klaar." in page.text
        download = client.get(
            reverse("privacy:access_download", args=[export.pk, "json"])
        )
        document = json.loads(b"".join(download.streaming_content))
        assert document["client"]["name"] == "Fatima Yilmaz"
        assert len(document["conversations"]) == 1
    finally:
        for file_format in ("pdf", "json"):
            access_export_path(export, file_format).unlink(missing_ok=True)
