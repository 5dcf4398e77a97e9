"""The figures' rollup on the real database: after every kind of change it equals a
count over the raw tables, number by number, and the app's role cannot write it.

The triggers run at the commit of each change (deferred); inside a test's
transaction ``settle()`` runs what waits, as the commit would.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from conversations.services import conversation_cancel, decision_record, participant_add
from figures.consistency import rollup_differences
from figures.models import DayFigures, ReasonDay
from privacy.services.retention import retention_run
from tests.conversations.helpers import answer, walk_to_outcome
from tests.database_logins import OWNER, connected_as
from tests.factories import ConversationFactory, UserFactory
from tests.privacy.helpers import decided_conversation

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def settle() -> None:
    """Run the deferred triggers now, as the transaction's commit would."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def cells(**where) -> list[tuple]:
    return list(
        DayFigures.objects.filter(**where)
        .order_by("status", "outcome")
        .values_list("status", "wish", "outcome", "conversations", "superseded")
    )


def decide(employee, conversation):
    conversation.refresh_from_db()
    return decision_record(
        actor=employee,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )


def test_a_planned_conversation_counts_on_its_day_in_amsterdam(employee):
    # 00:30 in Amsterdam is the evening before in UTC: the day is Amsterdam's.
    moment = dt.datetime(2026, 3, 29, 0, 30, tzinfo=AMSTERDAM)
    ConversationFactory(employee=employee, scheduled_at=moment)
    settle()

    assert cells(day=dt.date(2026, 3, 29), team_id=employee.team_id) == [
        ("planned", "", "", 1, 0)
    ]
    assert not DayFigures.objects.filter(day=dt.date(2026, 3, 28)).exists()
    assert rollup_differences() == []


def test_answers_and_a_decision_move_the_conversation_between_cells(employee):
    conversation = ConversationFactory(employee=employee)
    settle()
    walk_to_outcome(employee, conversation)
    settle()
    assert cells(team_id=employee.team_id) == [("in_checklist", "audio", "", 1, 0)]

    decide(employee, conversation)
    settle()

    assert cells(team_id=employee.team_id) == [("decided", "audio", "allowed", 1, 0)]
    assert rollup_differences() == []


def test_a_refusal_counts_its_reason(employee):
    conversation = ConversationFactory(employee=employee)
    walk_to_outcome(employee, conversation, wish="video")
    decide(employee, conversation)
    settle()

    reasons = ReasonDay.objects.filter(team_id=employee.team_id)
    assert list(reasons.values_list("reason", "conversations")) == [
        ("VIDEO_NOT_ALLOWED", 1)
    ]
    assert cells(team_id=employee.team_id) == [
        ("decided", "video", "not_allowed", 1, 0)
    ]
    assert rollup_differences() == []


def test_someone_joining_supersedes_the_decision_and_is_counted(employee):
    conversation = decided_conversation(employee, timezone.now())
    settle()
    joined = participant_add(
        actor=employee,
        conversation=conversation,
        name="Piet Later",
        role="interpreter",
        at=timezone.now(),
    )
    settle()
    assert cells(team_id=employee.team_id) == [
        ("in_checklist", "audio", "allowed", 1, 0)
    ]

    answer(employee, conversation, "consent", joined, consents=True)
    decide(employee, conversation)
    settle()

    assert cells(team_id=employee.team_id) == [("decided", "audio", "allowed", 1, 1)]
    assert rollup_differences() == []


def test_a_cancelled_conversation_moves_and_removed_ones_leave(employee, settings):
    kept = ConversationFactory(employee=employee)
    conversation_cancel(actor=employee, conversation=kept)
    old = decided_conversation(employee, timezone.now() - dt.timedelta(days=800))
    settle()
    assert cells(day=timezone.localdate(old.scheduled_at)) == [
        ("decided", "audio", "allowed", 1, 0)
    ]

    retention_run()  # removes the old one, with its decision, through the database
    settle()

    assert not DayFigures.objects.filter(day=timezone.localdate(old.scheduled_at))
    assert cells(team_id=employee.team_id) == [("cancelled", "", "", 1, 0)]
    assert rollup_differences() == []


def test_two_teams_are_counted_apart():
    for _ in range(3):
        ConversationFactory(employee=UserFactory())
    settle()

    assert DayFigures.objects.values("team_id").distinct().count() == 3
    assert sum(DayFigures.objects.values_list("conversations", flat=True)) == 3
    assert rollup_differences() == []


@pytest.mark.django_db(transaction=True)
def test_committed_changes_are_counted_and_the_check_finds_a_tampered_cell(employee):
    # Committed for real: the triggers run at the commit, not by settle().
    conversation = ConversationFactory(employee=employee)
    walk_to_outcome(employee, conversation)
    decide(employee, conversation)
    assert cells(team_id=employee.team_id) == [("decided", "audio", "allowed", 1, 0)]
    assert rollup_differences() == []
    call_command("figures_check", stdout=io.StringIO())

    # Only the owner could change the rollup behind the triggers' back.
    with connected_as(OWNER) as owner:
        owner.execute("UPDATE figures_dayfigures SET conversations = 7")

    assert len(rollup_differences()) == 1
    with pytest.raises(CommandError, match="differs from the raw tables in 1 cells"):
        call_command("figures_check", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_apps_role_cannot_write_the_rollup(employee):
    ConversationFactory(employee=employee)
    settle()
    for statement in (
        "UPDATE figures_dayfigures SET conversations = conversations + 1",
        "DELETE FROM figures_reasonday",
        "INSERT INTO figures_conversationfact SELECT * FROM figures_conversationfact",
    ):
        with (
            pytest.raises(Exception, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
