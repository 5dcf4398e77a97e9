"""Conversations are planned on dates with a policy, not on absurd ones.

A date before the first policy version left a checklist that could never decide
(every page from the wish on failed), and one at the ends of the calendar was
stored as a timestamp no page could read back.
"""

import datetime
import importlib.util
import os
import zoneinfo
from pathlib import Path

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conversations.checklist import Step, StepRef
from conversations.errors import ScheduleError
from conversations.models import Client, Conversation
from conversations.schedule import latest_date
from conversations.services import (
    checklist_answer,
    conversation_cancel,
    conversation_register,
    conversation_reschedule,
    decision_record,
)
from tests.factories import ClientFactory, ConversationFactory, valid_bsn
from uwvrec.localservices import libpq_url

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
BEFORE_POLICY = "Kies een datum vanaf 1 januari 2017"
TOO_FAR = "verder vooruit kan geen afspraak worden gemaakt"
# (date, time, what the employee is told)
OUT_OF_RANGE = [
    ("2010-01-01", "10:00", BEFORE_POLICY),
    ("2016-12-31", "23:59", BEFORE_POLICY),
    ("0001-01-01", "00:05", BEFORE_POLICY),
    ("2099-01-01", "10:00", TOO_FAR),
    ("9999-12-31", "23:59", TOO_FAR),
]
OLD = datetime.datetime(2010, 1, 1, 10, 0, tzinfo=AMSTERDAM)


def appointment(day, time, **extra):
    return {
        "bsn": valid_bsn(),
        "display_name": "Ans Kok",
        "date": day,
        "time": time,
        "channel": "face_to_face",
        "kind": "regular",
        "place": "Utrecht, kamer 1",
        **extra,
    }


@pytest.mark.parametrize(("day", "time", "message"), OUT_OF_RANGE)
def test_an_appointment_out_of_range_is_refused_with_a_dutch_message(
    client, employee, day, time, message
):
    client.force_login(employee)
    response = client.post(reverse("conversations:create"), appointment(day, time))
    assert response.status_code == 200
    assert message in response.text
    assert 'href="#id_date"' in response.text  # in the summary, linked to the field
    assert not Conversation.objects.exists()
    assert not Client.objects.exists()


def test_the_last_day_ahead_is_accepted_and_the_next_refused(client, employee):
    client.force_login(employee)
    last = latest_date(timezone.localdate())
    accepted = client.post(
        reverse("conversations:create"), appointment(last.isoformat(), "09:00")
    )
    assert accepted.status_code == 302
    day_after = (last + datetime.timedelta(days=1)).isoformat()
    refused = client.post(
        reverse("conversations:create"), appointment(day_after, "09:00")
    )
    assert TOO_FAR in refused.text
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize(("day", "time", "message"), OUT_OF_RANGE)
def test_rescheduling_out_of_range_is_refused_and_changes_nothing(
    client, employee, conversation, day, time, message
):
    before = conversation.scheduled_at
    client.force_login(employee)
    url = reverse("conversations:reschedule", args=[conversation.pk])
    response = client.post(url, {"date": day, "time": time, "place": "Kamer 4"})
    assert response.status_code == 200
    assert message in response.text
    conversation.refresh_from_db()
    assert (conversation.scheduled_at, conversation.place) == (
        before,
        "Amsterdam, kamer 3.12",
    )
    assert not AuditEvent.objects.filter(action="conversation.rescheduled").exists()


@pytest.mark.parametrize(
    "moment",
    [
        OLD,
        datetime.datetime(1, 1, 1, 0, 5, tzinfo=AMSTERDAM),
        datetime.datetime(9999, 12, 31, 23, 59, tzinfo=AMSTERDAM),
        datetime.datetime(9999, 12, 31, 23, 59, tzinfo=datetime.UTC),
        datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
    ],
)
def test_the_services_refuse_a_date_out_of_range_from_any_caller(
    employee, conversation, moment
):
    """A task, the shell or the admin call the services, not the forms."""
    with pytest.raises(ScheduleError) as registering:
        conversation_register(
            actor=employee,
            client=ClientFactory(),
            channel="face_to_face",
            kind="regular",
            scheduled_at=moment,
        )
    with pytest.raises(ScheduleError) as rescheduling:
        conversation_reschedule(
            actor=employee, conversation=conversation, scheduled_at=moment, place=""
        )
    assert registering.value.code == rescheduling.value.code == "date_out_of_range"
    assert Conversation.objects.get() == conversation
    refused = AuditEvent.objects.filter(result="failed").order_by("id")
    assert [(e.action, e.object_id, e.data) for e in refused] == [
        ("conversation.registered", "", {"code": "date_out_of_range"}),
        (
            "conversation.rescheduled",
            str(conversation.pk),
            {"code": "date_out_of_range"},
        ),
    ]


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(1, 1, 1, 0, 5, tzinfo=AMSTERDAM),
        datetime.datetime(1999, 12, 31, 23, 0, tzinfo=datetime.UTC),
        datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
    ],
)
def test_the_database_refuses_a_moment_no_page_could_read_back(employee, moment):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationFactory(employee=employee, scheduled_at=moment)


@pytest.fixture
def stuck(employee):
    """A conversation stored with a date before the first policy, wish answered."""
    return ConversationFactory(
        employee=employee,
        scheduled_at=OLD,
        kind_confirmed=True,
        wish="audio",
        status=Conversation.Status.IN_CHECKLIST,
    )


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("conversations:checklist", []),
        ("conversations:step", ["opnemen"]),
        ("conversations:step", ["deelnemers"]),
        ("conversations:step", ["spelregels"]),
        ("conversations:step", ["uitkomst"]),
    ],
)
def test_a_checklist_page_without_a_policy_says_so(client, employee, stuck, name, args):
    client.force_login(employee)
    response = client.get(reverse(name, args=[stuck.pk, *args]))
    assert response.status_code == 409
    assert "Voor deze datum gelden geen spelregels" in response.text
    assert "1 januari 2010" in response.text
    assert "Annuleer dit gesprek en maak een nieuwe afspraak" in response.text
    assert reverse("conversations:cancel", args=[stuck.pk]) in response.text
    assert AuditEvent.objects.filter(
        action="conversation.viewed", object_id=str(stuck.pk)
    ).exists()


def test_an_answer_for_a_conversation_without_a_policy_is_refused(
    client, employee, stuck
):
    client.force_login(employee)
    url = reverse("conversations:step", args=[stuck.pk, "opnemen"])
    assert client.post(url, {"wish": "no"}).status_code == 409
    url = reverse("conversations:participant_add", args=[stuck.pk])
    assert client.post(url, {"name": "", "role": ""}).status_code == 409
    stuck.refresh_from_db()
    assert (stuck.wish, stuck.answers_version) == ("audio", 0)


def test_the_services_refuse_to_answer_or_decide_without_a_policy(employee, stuck):
    with pytest.raises(ScheduleError) as answering:
        checklist_answer(
            actor=employee,
            conversation=stuck,
            ref=StepRef(Step.WISH),
            answer={"wish": "no"},
            at=timezone.now(),
        )
    with pytest.raises(ScheduleError) as deciding:
        decision_record(actor=employee, conversation=stuck, answers_version=0)
    assert answering.value.code == deciding.value.code == "no_policy"
    assert not stuck.decisions.exists()
    refused = AuditEvent.objects.filter(result="failed").order_by("id")
    assert [(e.action, e.data.get("code")) for e in refused] == [
        ("checklist.answered", "no_policy"),
        ("decision.recorded", "no_policy"),
    ]


def test_the_detail_page_says_so_and_offers_a_way_out(client, employee, stuck):
    client.force_login(employee)
    response = client.get(reverse("conversations:detail", args=[stuck.pk]))
    assert response.status_code == 200
    assert "Voor deze datum gelden geen spelregels" in response.text
    assert "Checklist verder doen" not in response.text
    conversation_cancel(actor=employee, conversation=stuck)
    stuck.refresh_from_db()
    assert stuck.status == Conversation.Status.CANCELLED


def test_a_planned_conversation_without_a_policy_is_moved_to_the_right_date(
    client, employee
):
    planned = ConversationFactory(employee=employee, scheduled_at=OLD)
    client.force_login(employee)
    page = client.get(reverse("conversations:checklist", args=[planned.pk]))
    assert "Verzet de afspraak naar de juiste datum" in page.text
    day = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    client.post(
        reverse("conversations:reschedule", args=[planned.pk]),
        {"date": day, "time": "10:00", "place": "Kamer 4"},
    )
    start = client.get(reverse("conversations:checklist", args=[planned.pk]))
    assert start.status_code == 302


def migration_0005():
    path = (
        Path(__file__).parents[2]
        / "conversations/migrations/0005_conversation_scheduled_in_range.py"
    )
    spec = importlib.util.spec_from_file_location("migration_0005", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("old_row", ["2026-06-01 10:00+02", "0001-01-01 00:05 BC"])
def test_the_check_is_validated_and_unreadable_old_rows_are_moved(old_row):
    """Upgrading never fails, and leaves no row that no page could read."""
    migration = migration_0005()
    conninfo = libpq_url(
        os.environ["DATABASE_SUPERUSER_URL"], connection.settings_dict["NAME"]
    )
    warnings = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.add_notice_handler(lambda notice: warnings.append(notice.severity))
        # A table of this session's own, in place of the real one.
        conn.execute(
            "CREATE TEMP TABLE conversations_conversation (scheduled_at timestamptz)"
        )
        conn.execute("INSERT INTO conversations_conversation VALUES (%s)", [old_row])
        for statement in migration.ADD:
            conn.execute(statement)
        (validated,) = conn.execute(
            "SELECT convalidated FROM pg_constraint WHERE conname = %s"
            " AND conrelid = 'pg_temp.conversations_conversation'::regclass",
            [migration.NAME],
        ).fetchone()
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("INSERT INTO conversations_conversation VALUES ('2100-01-01')")
        (stored,) = conn.execute(
            "SELECT scheduled_at::text FROM conversations_conversation"
        ).fetchone()
    broken = old_row.endswith("BC")
    assert validated
    assert warnings == (["WARNING"] if broken else [])
    if broken:
        assert stored.startswith("2000-01-01")  # before the rules: its pages say so
