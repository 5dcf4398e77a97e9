"""Answers are saved and audited as they are given; the real engine decides."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from conversations.errors import (
    ChecklistIncompleteError,
    DecisionConflictError,
    InvalidAnswerError,
    StepNotReachableError,
)
from conversations.models import Conversation, Decision
from conversations.services import decision_record
from tests.conversations.helpers import add, answer, handout, walk_to_outcome
from tests.factories import ConversationFactory, UserFactory

pytestmark = pytest.mark.django_db


def finalise(actor, conversation):
    conversation.refresh_from_db()
    return decision_record(
        actor=actor,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )


def events(conversation, action):
    return list(
        AuditEvent.objects.filter(
            action=action, object_id=str(conversation.pk)
        ).order_by("id")
    )


def test_an_answer_is_saved_at_once_and_audited_field_by_field(employee, conversation):
    answer(employee, conversation, "kind", kind="regular")
    answer(employee, conversation, "wish", wish="audio")
    conversation.refresh_from_db()
    assert conversation.wish == "audio"
    assert conversation.kind_confirmed is True
    assert conversation.status == Conversation.Status.IN_CHECKLIST
    assert conversation.answers_version == 2
    event = events(conversation, "checklist.answered")[-1]
    assert event.actor_id == employee.pk
    assert event.actor_username == employee.username
    assert event.actor_role == "employee"
    assert event.team_id == employee.team_id
    assert event.object_type == "conversations.conversation"
    assert event.client_ref == conversation.client.client_ref
    assert event.result == "success"
    assert event.data == {"step": "wish", "wish": "audio"}
    assert event.changes == {}


def test_a_step_beyond_the_next_one_is_refused_and_the_refusal_audited(
    employee, conversation
):
    answer(employee, conversation, "kind", kind="regular")
    with pytest.raises(StepNotReachableError) as refused:
        answer(employee, conversation, "accepts", accepts=True)
    assert refused.value.code == "not_reachable"
    conversation.refresh_from_db()
    assert conversation.client_accepts_rules is None
    event = events(conversation, "checklist.answered")[-1]
    assert (event.result, event.data) == (
        "failed",
        {"step": "accepts", "code": "not_reachable"},
    )


def test_someone_of_another_team_may_not_answer(conversation):
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        answer(stranger, conversation, "kind", kind="regular")
    assert events(conversation, "checklist.answered")[-1].result == "denied"


def test_a_team_lead_reads_but_does_not_run_the_checklist(team_lead, conversation):
    with pytest.raises(PermissionDenied):
        answer(team_lead, conversation, "kind", kind="regular")


def test_allowed_when_everyone_consents_with_conditions_and_text_shown(
    employee, conversation
):
    walk_to_outcome(employee, conversation, participants=[("Els", "interpreter")])
    decision = finalise(employee, conversation)
    assert decision.outcome == "allowed"
    assert decision.conditions == ["audio_only", "home_circle_only"]
    assert decision.reasons == []
    assert decision.missing == []
    assert decision.policy_version == "2017-01"
    assert decision.rule_text == handout()
    assert decision.rule_text_language == "nl"
    assert decision.sequence == 1
    assert decision.supersedes is None
    assert decision.decided_by == employee
    assert decision.facts["client_wants_to_record"] is True
    assert decision.facts["participants"][0]["consents"] is True
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.DECIDED
    event = events_for_decision(decision)
    assert event.data["outcome"] == "allowed"
    assert event.client_ref == conversation.client.client_ref


def events_for_decision(decision):
    return AuditEvent.objects.get(action="decision.recorded", object_id=decision.pk)


@pytest.mark.parametrize(
    ("kwargs", "participants", "kind", "outcome", "reasons"),
    [
        ({"wish": "no"}, [], "regular", "not_requested", []),
        ({"wish": "video"}, [], "regular", "not_allowed", ["VIDEO_NOT_ALLOWED"]),
        ({"accepts": False}, [], "regular", "not_allowed", ["RULES_NOT_ACCEPTED"]),
        (
            {"consents": False},
            [("Piet", "third_person")],
            "regular",
            "not_allowed",
            ["THIRD_PARTY_NO_CONSENT"],
        ),
        (
            {"consents": False},
            [("Mira", "mediator"), ("Bedrijf BV", "other_party")],
            "mediation",
            "not_allowed",
            ["MEDIATION_NO_CONSENT"],
        ),
        (
            {"wish": "video"},
            [],
            "investigation_interview",
            "not_allowed",
            ["VIDEO_NOT_ALLOWED", "INVESTIGATION_INTERVIEW"],
        ),
        (
            {},
            [("Mira", "mediator"), ("Bedrijf BV", "other_party")],
            "mediation",
            "allowed",
            [],
        ),
    ],
    ids=[
        "R2-not-requested",
        "R1-video",
        "R3-rules-not-accepted",
        "R5-third-person-refuses",
        "R6-mediation-refused",
        "R7-investigation",
        "R6-mediation-allowed",
    ],
)
def test_every_rule_path_through_the_real_engine(
    employee, kwargs, participants, kind, outcome, reasons
):
    conversation = ConversationFactory(employee=employee, kind=kind)
    walk_to_outcome(employee, conversation, participants=participants, **kwargs)
    decision = finalise(employee, conversation)
    assert (decision.outcome, decision.reasons) == (outcome, reasons)


def test_investigation_interview_ends_right_after_the_wish(employee):
    conversation = ConversationFactory(
        employee=employee, kind="investigation_interview"
    )
    answer(employee, conversation, "kind", kind="investigation_interview")
    answer(employee, conversation, "wish", wish="audio")
    answer(employee, conversation, "uwv", uwv_records=False)
    decision = finalise(employee, conversation)
    assert decision.outcome == "not_allowed"
    assert decision.reasons == ["INVESTIGATION_INTERVIEW"]
    assert decision.facts["client_informed"] is None
    assert decision.rule_text is None


def test_uwv_records_with_a_reason_everyone_told(employee, phone_call):
    walk_to_outcome(employee, phone_call, uwv=True)
    decision = finalise(employee, phone_call)
    assert decision.uwv_recording == "planned"
    assert decision.rule_text == handout(audience="phone_script")
    event = events(phone_call, "checklist.answered")[-1]
    assert event.data == {
        "step": "uwv_details",
        "reason_given": True,
        "participants_told": True,
    }
    assert "dossier" not in str(event.data).lower()


def test_inform_needs_the_confirmation_that_it_was_told(employee, conversation):
    answer(employee, conversation, "kind", kind="regular")
    answer(employee, conversation, "wish", wish="audio")
    answer(employee, conversation, "participants")
    with pytest.raises(InvalidAnswerError) as refused:
        answer(employee, conversation, "inform", told=False, rule_text=handout())
    assert refused.value.code == "not_told"


def test_a_mediation_needs_a_mediator_and_an_other_party(employee):
    conversation = ConversationFactory(employee=employee, kind="mediation")
    answer(employee, conversation, "kind", kind="mediation")
    answer(employee, conversation, "wish", wish="audio")
    add(employee, conversation, "Bedrijf BV", "other_party")
    with pytest.raises(InvalidAnswerError) as refused:
        answer(employee, conversation, "participants")
    assert "een mediator" in refused.value.messages[0]
    conversation.refresh_from_db()
    assert conversation.participants_confirmed is False


def test_going_back_and_changing_an_answer_keeps_the_others(employee, conversation):
    walk_to_outcome(employee, conversation)
    answer(employee, conversation, "wish", wish="no")
    conversation.refresh_from_db()
    assert conversation.client_informed is True
    assert conversation.wish == "no"
    assert finalise(employee, conversation).outcome == "not_requested"


def test_someone_joining_later_gets_a_new_decision_that_supersedes(
    employee, conversation
):
    walk_to_outcome(employee, conversation, uwv=True)
    first = finalise(employee, conversation)
    joiner = add(employee, conversation, "Karin", "third_person")
    joiner.refresh_from_db()
    assert joiner.joined_at is not None
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.IN_CHECKLIST
    assert conversation.participants_told_uwv_records is None
    with pytest.raises(ChecklistIncompleteError) as refused:
        finalise(employee, conversation)
    assert refused.value.code == "incomplete"
    answer(employee, conversation, "consent", joiner, consents=False)
    answer(employee, conversation, "uwv_details", reason="Dossier", told=True)
    second = finalise(employee, conversation)
    assert second.sequence == 2
    assert second.supersedes == first
    assert second.outcome == "not_allowed"
    assert second.reasons == ["THIRD_PARTY_NO_CONSENT"]
    assert list(Decision.objects.filter(conversation=conversation)) == [
        second,
        first,
    ]


def test_a_second_finalisation_is_refused_with_a_clear_message(employee, conversation):
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    version = conversation.answers_version
    decision_record(actor=employee, conversation=conversation, answers_version=version)
    with pytest.raises(DecisionConflictError) as refused:
        decision_record(
            actor=employee, conversation=conversation, answers_version=version
        )
    assert refused.value.code == "already_decided"
    assert "al vastgelegd" in refused.value.messages[0]
    assert Decision.objects.filter(conversation=conversation).count() == 1


def test_a_finalisation_made_on_older_answers_is_refused(employee, conversation):
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    with pytest.raises(DecisionConflictError) as refused:
        decision_record(
            actor=employee,
            conversation=conversation,
            answers_version=conversation.answers_version - 1,
        )
    assert refused.value.code == "answers_changed"


def test_inform_takes_only_the_current_text_for_the_channel(employee, conversation):
    answer(employee, conversation, "kind", kind="regular")
    answer(employee, conversation, "wish", wish="audio")
    answer(employee, conversation, "participants")
    phone_script = handout(audience="phone_script")
    with pytest.raises(InvalidAnswerError) as refused:
        answer(employee, conversation, "inform", told=True, rule_text=phone_script)
    assert refused.value.code == "stale_text"
    answer(employee, conversation, "inform", told=True, rule_text=handout("en"))
    conversation.refresh_from_db()
    assert conversation.informed_text == handout("en")
