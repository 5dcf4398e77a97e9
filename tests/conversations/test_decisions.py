"""Decisions: immutable, replayable, and exactly one when finalisations race."""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import (
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.utils import timezone

from audit.models import AuditEvent
from conversations.checklist import Step, StepRef
from conversations.errors import DecisionConflictError
from conversations.models import Conversation, Decision, Participant
from conversations.services import checklist_answer, decision_record
from tests.conversations.helpers import answer, walk_to_outcome
from tests.factories import ConversationFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_finalisations_racing_in_parallel_record_exactly_one_decision():
    employee = UserFactory()
    colleague = UserFactory(team=employee.team)
    conversation = ConversationFactory(employee=employee)
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    version = conversation.answers_version
    barrier = threading.Barrier(2)
    results: list[object] = []

    def finalise(actor):
        try:
            barrier.wait(timeout=10)
            results.append(
                decision_record(
                    actor=actor, conversation=conversation, answers_version=version
                )
            )
        except DecisionConflictError as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=finalise, args=(a,)) for a in (employee, colleague)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    decisions = [r for r in results if isinstance(r, Decision)]
    refusals = [r for r in results if isinstance(r, DecisionConflictError)]
    assert len(decisions) == 1
    assert len(refusals) == 1
    assert refusals[0].code == "already_decided"
    assert "was al vastgelegd" in refusals[0].messages[0]
    assert Decision.objects.filter(conversation_id=conversation.pk).count() == 1
    refused = AuditEvent.objects.filter(
        action="decision.recorded", client_ref=conversation.client.client_ref
    )
    assert sorted(e.result for e in refused) == ["failed", "success"]


@pytest.mark.django_db
def test_the_database_refuses_a_second_decision_with_the_same_sequence(employee):
    conversation = ConversationFactory(employee=employee)
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    first = decision_record(
        actor=employee,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    twin = Decision(
        conversation=conversation,
        sequence=first.sequence,
        facts=first.facts,
        policy_version=first.policy_version,
        outcome=first.outcome,
        uwv_recording=first.uwv_recording,
        decided_by=employee,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE conversations_decision SET outcome = 'allowed' WHERE id = %s",
        "DELETE FROM conversations_decision WHERE id = %s",
    ],
)
def test_a_recorded_decision_cannot_be_changed_or_removed(employee, statement):
    conversation = ConversationFactory(employee=employee)
    walk_to_outcome(employee, conversation, wish="video")
    conversation.refresh_from_db()
    decision = decision_record(
        actor=employee,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    with (
        pytest.raises(DatabaseError, match=r"refused|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [decision.pk])
    decision.refresh_from_db()
    assert decision.outcome == "not_allowed"


@pytest.mark.django_db
def test_replay_decisions_finds_every_decision_the_same(employee):
    for kind, wish in (("regular", "audio"), ("mediation", "no"), ("regular", "video")):
        conversation = ConversationFactory(employee=employee, kind=kind)
        walk_to_outcome(employee, conversation, wish=wish)
        conversation.refresh_from_db()
        decision_record(
            actor=employee,
            conversation=conversation,
            answers_version=conversation.answers_version,
        )
    out = io.StringIO()
    call_command("replay_decisions", stdout=out)
    assert "every one comes out the same" in out.getvalue()
    event = AuditEvent.objects.filter(action="decision.replayed").latest("id")
    assert event.result == "success"
    assert event.data["checked"] >= 3


@pytest.mark.django_db
def test_replay_decisions_names_a_decision_that_would_differ(employee):
    conversation = ConversationFactory(employee=employee)
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    good = decision_record(
        actor=employee,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    # A decision whose stored outcome its facts do not give (written by hand:
    # the app never does this).
    bad = Decision.objects.create(
        conversation=conversation,
        sequence=good.sequence + 1,
        facts=good.facts,
        policy_version=good.policy_version,
        outcome="not_allowed",
        reasons=["VIDEO_NOT_ALLOWED"],
        uwv_recording=good.uwv_recording,
        decided_by=employee,
        supersedes=good,
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("replay_decisions", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert (
        f"decision {bad.pk} (conversation {conversation.pk}) differs" in err.getvalue()
    )
    assert f"decision {good.pk} " not in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_answer_waiting_for_the_lock_sees_who_joined_meanwhile():
    employee = UserFactory()
    conversation = ConversationFactory(employee=employee)
    answer(employee, conversation, "kind", kind=conversation.kind)
    answer(employee, conversation, "wish", wish="audio")
    holding = threading.Event()

    def join_slowly():
        try:
            with transaction.atomic():
                Conversation.objects.select_for_update().get(pk=conversation.pk)
                Participant.objects.create(
                    conversation_id=conversation.pk, name="Ada Tolk", role="interpreter"
                )
                holding.set()
                time.sleep(1)  # the answer below waits for this commit
        finally:
            connections.close_all()

    other = threading.Thread(target=join_slowly)
    other.start()
    assert holding.wait(10)
    checklist_answer(
        actor=employee,
        conversation=Conversation.objects.get(pk=conversation.pk),
        ref=StepRef(Step.PARTICIPANTS),
        answer={},
        at=timezone.now(),
    )
    other.join(30)
    recorded = AuditEvent.objects.filter(
        action="checklist.answered", object_id=str(conversation.pk)
    ).latest("id")
    assert recorded.data == {"step": "participants", "participants": 1}
