"""The retention schedule on the real database: each kind goes at its period, not
a day earlier, everything about a held client stays, and the guards still refuse
every other way of removing a decision or an event.

Records are made through the services with the clock moved back (time-machine);
the database judges their age by its own clock, now.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg
import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent, ExportJob
from conversations.models import Client, Conversation, Decision, Participant
from privacy.checks import retention_settings
from privacy.models import LegalHold
from privacy.services import retention as retention_service
from privacy.services.erasure import erasure_decline, erasure_request
from privacy.services.retention import (
    database_busy,
    rest_ratio,
    retention_due,
    retention_run,
)
from tests.database_logins import OWNER, SUPERUSER, connected_as
from tests.factories import ClientFactory, UserFactory
from tests.privacy.helpers import decided_conversation
from tests.violations.helpers import report
from violations.models import Notification, ViolationEvent, ViolationReport
from violations.services import violation_confirm, violation_dismiss, violation_withdraw

pytestmark = pytest.mark.django_db

# The default periods (uwvrec/settings/base.py), which the test database holds.
CONVERSATION_DAYS = 730
REPORT_DAYS = 1826
NOTIFICATION_DAYS = 90
EXPORT_FILE_DAYS = 7
# On either side of a period's end: an hour keeps it clear of the test's own time.
MARGIN = dt.timedelta(hours=1)


def ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def backdate_client(client: Client, moment: dt.datetime) -> None:
    """Registered at ``moment`` (the database stamps the row when it is made)."""
    Client.objects.filter(pk=client.pk).update(created_at=moment)


def still_there(conversation: Conversation) -> dict[str, int]:
    return {
        "conversation": Conversation.objects.filter(pk=conversation.pk).count(),
        "participants": Participant.objects.filter(conversation=conversation).count(),
        "decisions": Decision.objects.filter(conversation_id=conversation.pk).count(),
    }


GONE = {"conversation": 0, "participants": 0, "decisions": 0}
KEPT = {"conversation": 1, "participants": 1, "decisions": 1}


@pytest.fixture
def lead(employee):
    return UserFactory(team_lead=True, team=employee.team)


# --- conversations, with their participants and decisions ---


def test_a_conversation_goes_with_its_participants_and_decisions_at_its_period(
    employee,
):
    past = decided_conversation(employee, ago(CONVERSATION_DAYS) - MARGIN)
    within = decided_conversation(employee, ago(CONVERSATION_DAYS) + MARGIN)

    ran = retention_run()

    assert still_there(past) == GONE
    assert still_there(within) == KEPT
    assert ran.removed["conversation"] == 1
    assert ran.complete


def test_each_batch_is_audited_with_counts_and_ids_never_content(employee):
    conversations = [
        decided_conversation(employee, ago(CONVERSATION_DAYS + n) - MARGIN)
        for n in range(3)
    ]

    retention_run(batch_size=2)

    batches = AuditEvent.objects.filter(action="privacy.records_removed").order_by("id")
    assert [event.data["kind"] for event in batches] == ["conversation"] * 2
    removed = [event.data["removed"]["conversations_conversation"] for event in batches]
    ids = sorted(c.pk for c in conversations)
    assert removed == [[2, ids[0], ids[1]], [1, ids[2], ids[2]]]
    assert batches[0].data["removed"]["conversations_decision"][0] == 2
    assert all(
        event.actor_id is None and event.origin == "command" for event in batches
    )
    assert "Jan Derde" not in str([event.data for event in batches])
    ran = AuditEvent.objects.get(action="privacy.retention_applied")
    assert ran.data["removed"]["conversation"] == 3
    assert ran.data == {
        "dry_run": False,
        "removed": ran.data["removed"],
        "complete": True,
    }


def test_a_dry_run_counts_what_a_run_removes_and_removes_nothing(employee, lead):
    past = decided_conversation(employee, ago(CONVERSATION_DAYS) - MARGIN)
    decided_conversation(employee, ago(3))

    dry = retention_run(dry_run=True)

    assert still_there(past) == KEPT
    assert dry.removed["conversation"] == 1
    assert AuditEvent.objects.get(action="privacy.retention_applied").data["dry_run"]
    assert not AuditEvent.objects.filter(action="privacy.records_removed").exists()
    assert retention_run().removed == dry.removed


# --- violation reports, with their history and notifications ---


def reported_at(employee, conversation, moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        return report(employee, conversation)


def test_a_dismissed_report_goes_at_its_period_after_the_dismissal(employee, lead):
    old = decided_conversation(employee, ago(REPORT_DAYS + 30))
    dismissed_long_ago = reported_at(employee, old, ago(REPORT_DAYS + 20))
    violation_dismiss(
        actor=lead, report=dismissed_long_ago, reason="Niet vast te stellen.",
        at=ago(REPORT_DAYS) - MARGIN,
    )  # fmt: skip
    recent = decided_conversation(employee, ago(REPORT_DAYS + 10))
    dismissed_within = reported_at(employee, recent, ago(REPORT_DAYS + 5))
    violation_dismiss(
        actor=lead, report=dismissed_within, reason="Niet vast te stellen.",
        at=ago(REPORT_DAYS) + MARGIN,
    )  # fmt: skip

    retention_run()

    assert not ViolationReport.objects.filter(pk=dismissed_long_ago.pk).exists()
    assert not ViolationEvent.objects.filter(report_id=dismissed_long_ago.pk).exists()
    assert not Notification.objects.filter(report_id=dismissed_long_ago.pk).exists()
    # Its conversation was past its own period: it went once the report had.
    assert still_there(old) == GONE
    # The other report stays, and keeps its conversation past the conversation's period.
    assert ViolationReport.objects.filter(pk=dismissed_within.pk).exists()
    assert ViolationEvent.objects.filter(report_id=dismissed_within.pk).count() == 2
    assert still_there(recent) == KEPT


def test_a_withdrawn_violation_goes_at_its_period_after_the_withdrawal(employee, lead):
    conversation = decided_conversation(employee, ago(REPORT_DAYS + 30))
    confirmed = violation_confirm(
        actor=lead, report=reported_at(employee, conversation, ago(REPORT_DAYS + 20)),
        reason="Vastgesteld.", at=ago(REPORT_DAYS + 10),
    )  # fmt: skip
    violation_withdraw(
        actor=lead, report=confirmed, reason="Bezwaar gegrond.",
        at=ago(REPORT_DAYS) - MARGIN,
    )  # fmt: skip

    retention_run()

    assert not ViolationReport.objects.filter(pk=confirmed.pk).exists()
    assert still_there(conversation) == GONE


def test_a_violation_that_flags_its_client_and_an_open_report_are_kept(employee, lead):
    flagging_on = decided_conversation(employee, ago(3000))
    flagging = violation_confirm(
        actor=lead, report=reported_at(employee, flagging_on, ago(2950)),
        reason="Vastgesteld.", at=ago(2900),
    )  # fmt: skip
    open_on = decided_conversation(employee, ago(3000))
    still_open = reported_at(employee, open_on, ago(2950))

    retention_run()

    assert (
        ViolationReport.objects.filter(pk__in=[flagging.pk, still_open.pk]).count() == 2
    )
    assert still_there(flagging_on) == KEPT
    assert still_there(open_on) == KEPT
    assert Client.objects.get(pk=flagging.client_id).flag_report_id == flagging.pk


# --- notifications ---


def test_a_notification_goes_at_its_period(employee, lead):
    conversation = decided_conversation(employee, ago(5))
    reported = report(employee, conversation)
    notifications = list(Notification.objects.filter(report=reported))
    assert notifications  # the team lead's
    old, *_ = notifications
    Notification.objects.filter(pk=old.pk).update(
        created_at=ago(NOTIFICATION_DAYS) - MARGIN
    )
    newer = UserFactory(team_lead=True, team=employee.team)
    kept = Notification.objects.create(
        recipient=newer, kind="reported", report=reported
    )
    Notification.objects.filter(pk=kept.pk).update(
        created_at=ago(NOTIFICATION_DAYS) + MARGIN
    )

    retention_run()

    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=kept.pk).exists()
    assert ViolationReport.objects.filter(pk=reported.pk).exists()


# --- clients ---


def test_a_client_goes_once_nothing_about_them_is_left(employee):
    gone = decided_conversation(employee, ago(CONVERSATION_DAYS) - MARGIN).client
    backdate_client(gone, ago(CONVERSATION_DAYS + 10))
    staying = decided_conversation(employee, ago(CONVERSATION_DAYS) - MARGIN).client
    decided_conversation(employee, ago(10), client=staying)
    backdate_client(staying, ago(CONVERSATION_DAYS + 10))
    # Registered within the period, nothing planned yet: stays.
    new = ClientFactory()

    assert retention_due()["client"] == 1
    ran = retention_run()

    assert ran.removed["client"] == 1
    assert not Client.objects.filter(pk=gone.pk).exists()
    assert Client.objects.filter(pk__in=[staying.pk, new.pk]).count() == 2


def test_a_client_removed_by_retention_leaves_their_erasure_requests_the_pseudonym(
    employee, lead, auditor
):
    gone = decided_conversation(employee, ago(CONVERSATION_DAYS) - MARGIN).client
    backdate_client(gone, ago(CONVERSATION_DAYS + 10))
    request = erasure_request(
        actor=lead, bsn=gone.bsn, reason="Brief van de klant.", at=timezone.now()
    )
    erasure_decline(
        actor=auditor, request=request, reason="Er loopt bezwaar.", at=timezone.now()
    )

    retention_run()

    request.refresh_from_db()
    assert not Client.objects.filter(pk=gone.pk).exists()
    assert (request.client_id, request.client_ref) == (None, gone.client_ref)
    assert request.status == "declined"
    # No free text about the client stays: the reasons went with them.
    assert (request.reason, request.declined_reason) == ("", "")


# --- legal holds ---


def hold(client, auditor, *, until=None, **fields) -> LegalHold:
    return LegalHold.objects.create(
        client=client,
        reason="Bezwaar en beroep lopen.",
        case_reference="BZW-2026-0042",
        until=until,
        placed_by=auditor,
        placed_at=timezone.now(),
        **fields,
    )


def test_a_standing_hold_keeps_everything_about_its_client(employee, lead, auditor):
    conversation = decided_conversation(employee, ago(REPORT_DAYS + 30))
    client = conversation.client
    backdate_client(client, ago(REPORT_DAYS + 40))
    dismissed = reported_at(employee, conversation, ago(REPORT_DAYS + 20))
    violation_dismiss(
        actor=lead, report=dismissed, reason="Niet vast te stellen.",
        at=ago(REPORT_DAYS) - MARGIN,
    )  # fmt: skip
    Notification.objects.filter(report=dismissed).update(created_at=ago(REPORT_DAYS))
    open_ended = hold(client, auditor)
    # A hold to a day to come holds too (the last day is today in Amsterdam).
    hold(client, auditor, until=timezone.localdate())

    assert retention_due()["conversation"] == 0
    retention_run()

    assert still_there(conversation) == KEPT
    assert ViolationReport.objects.filter(pk=dismissed.pk).exists()
    assert Notification.objects.filter(report=dismissed).exists()
    assert Client.objects.filter(pk=client.pk).exists()
    assert LegalHold.objects.filter(pk=open_ended.pk).exists()


def test_an_ended_or_lifted_hold_holds_nothing_and_goes_with_its_client(
    employee, auditor
):
    other_auditor = UserFactory(auditor=True)
    conversation = decided_conversation(employee, ago(CONVERSATION_DAYS) - MARGIN)
    client = conversation.client
    backdate_client(client, ago(CONVERSATION_DAYS + 10))
    hold(client, auditor, until=timezone.localdate() - dt.timedelta(days=1))
    hold(
        client, auditor,
        lift_requested_by=auditor, lift_requested_at=timezone.now(),
        lift_reason="Zaak gesloten.",
        lifted_by=other_auditor, lifted_at=timezone.now(),
    )  # fmt: skip

    retention_run()

    assert still_there(conversation) == GONE
    assert not Client.objects.filter(pk=client.pk).exists()
    assert not LegalHold.objects.filter(client_id=client.pk).exists()


# --- export files and sessions ---


def test_an_export_file_goes_at_its_period(auditor, settings, tmp_path):
    settings.AUDIT_EXPORT_DIR = tmp_path

    def export(days: int) -> tuple[ExportJob, object]:
        with time_machine.travel(ago(days), tick=False):
            job = ExportJob.objects.create(
                requested_by=auditor, file_format="csv", status="done",
                file_name=f"audit-export-{days}.csv",
            )  # fmt: skip
        path = tmp_path / job.file_name
        path.write_text("id;actie\n")
        return job, path

    old_job, old_file = export(EXPORT_FILE_DAYS + 1)
    new_job, new_file = export(EXPORT_FILE_DAYS - 1)

    ran = retention_run()

    assert ran.removed["export_file"] == 1
    assert not ExportJob.objects.filter(pk=old_job.pk).exists()
    assert not old_file.exists()
    assert ExportJob.objects.filter(pk=new_job.pk).exists()
    assert new_file.exists()


def test_an_expired_session_goes():
    def session(expires_in: dt.timedelta) -> str:
        store = SessionStore()
        store["seen"] = True
        store.set_expiry(timezone.now() + expires_in)
        store.save()
        return store.session_key

    expired = session(-dt.timedelta(minutes=1))
    alive = session(dt.timedelta(minutes=30))

    assert retention_run().removed["session"] >= 1

    assert not Session.objects.filter(pk=expired).exists()
    assert Session.objects.filter(pk=alive).exists()


# --- the one narrow path ---


def test_the_app_role_cannot_remove_a_decision_outside_the_retention_path(employee):
    conversation = decided_conversation(employee, ago(3))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('uwvrec.retention', 'on', true)")
        with pytest.raises(Exception, match="permission denied"):
            cursor.execute(
                "DELETE FROM conversations_decision WHERE conversation_id = %s",
                [conversation.pk],
            )


def test_the_app_role_cannot_remove_an_audit_event_or_retire_a_month_early():
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('uwvrec.retention', 'on', true)")
        with pytest.raises(Exception, match="permission denied"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("SELECT month, events FROM audit_retirable()")
        assert cursor.fetchall() == []  # nothing of this trail is seven years old
        with (
            pytest.raises(Exception, match="not the month to retire"),
            transaction.atomic(),
        ):
            cursor.execute(
                "SELECT audit_retire(date_trunc('month', now())::date, 1, 1, '', '')"
            )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("login", [OWNER, SUPERUSER])
def test_the_guard_refuses_the_owner_and_a_superuser_even_with_the_setting(
    employee, login
):
    conversation = decided_conversation(employee, ago(3))
    with connected_as(login) as db, db.transaction():
        db.execute("SELECT set_config('uwvrec.retention', 'on', true)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            db.execute(
                "DELETE FROM conversations_decision WHERE conversation_id = %s",
                [conversation.pk],
            )
    assert still_there(conversation) == KEPT


def test_the_app_role_cannot_change_a_period():
    with connection.cursor() as cursor, pytest.raises(Exception, match="permission"):
        cursor.execute("UPDATE privacy_retentionperiod SET days = 1")


def test_the_database_holds_the_periods_of_the_settings():
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, days FROM privacy_retentionperiod ORDER BY kind")
        assert cursor.fetchall() == [
            ("audit_month", 2557),
            ("conversation", CONVERSATION_DAYS),
            ("notification", NOTIFICATION_DAYS),
            ("violation_report", REPORT_DAYS),
        ]


@pytest.mark.parametrize("batch", [0, -1, 10_001])
def test_a_batch_out_of_range_is_refused_by_the_database(batch):
    with connection.cursor() as cursor, pytest.raises(Exception, match="1 to 10000"):
        cursor.execute(
            "SELECT privacy_retention_remove('conversation', 0, %s)", [batch]
        )


@pytest.mark.parametrize(
    ("name", "value", "check"),
    [
        ("RETENTION_CONVERSATION_DAYS", 0, "privacy.E001"),
        ("RETENTION_NOTIFICATION_DAYS", -5, "privacy.E001"),
        ("RETENTION_BATCH_SIZE", 0, "privacy.E002"),
        ("RETENTION_BATCH_SIZE", 20_000, "privacy.E002"),
    ],
)
def test_a_period_or_batch_the_database_would_refuse_fails_the_checks(
    settings, name, value, check
):
    setattr(settings, name, value)
    assert [error.id for error in retention_settings(None)] == [check]


def test_the_command_refuses_a_batch_out_of_range(capsys):
    with pytest.raises(CommandError, match="1 to 10000"):
        call_command("retention_run", "--batch-size", "0")
    assert not AuditEvent.objects.filter(action="privacy.retention_applied").exists()


def test_the_command_says_what_it_removed(employee, capsys):
    decided_conversation(employee, ago(CONVERSATION_DAYS) - MARGIN)

    call_command("retention_run", "--dry-run")
    assert "conversation: would remove 1" in capsys.readouterr().out
    call_command("retention_run")
    assert "conversation: removed 1" in capsys.readouterr().out


def test_the_run_rests_longer_while_another_session_runs_a_query(settings, monkeypatch):
    """A run by day keeps out of the checklist's way: while the app's database is
    busy (another of the app's sessions runs a query), it rests the busy ratio."""
    settings.RETENTION_REST_RATIO, settings.RETENTION_BUSY_REST_RATIO = 3.0, 30.0
    retention_service._busy_seen_at.clear()
    assert rest_ratio() == 3.0

    # Another session of the app's own role, as a web request would be.
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    request = threading.Thread(target=other.execute, args=("SELECT pg_sleep(3)",))
    request.start()
    try:
        deadline = time.monotonic() + 2
        while not database_busy():
            assert time.monotonic() < deadline, "the other session's query is not seen"
            time.sleep(0.02)
        assert rest_ratio() == 30.0
    finally:
        request.join()
        other.close()
    assert not database_busy()
    # Seen busy a moment ago, the app still counts as in use for a minute.
    assert rest_ratio() == 30.0
    monkeypatch.setattr(retention_service, "BUSY_FOR_SECONDS", 0.0)  # a minute on
    assert rest_ratio() == 3.0
