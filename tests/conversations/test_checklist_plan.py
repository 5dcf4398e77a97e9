"""The pure planner: which step comes next, driven by the real engine."""

import datetime
import subprocess
import sys

import pytest

from conversations.checklist import (
    Answers,
    Step,
    StepRef,
    Wish,
    facts_from,
    needs_consent,
    plan,
)
from rules.engine import (
    Channel,
    Facts,
    Kind,
    Media,
    Outcome,
    ParticipantFacts,
    ParticipantRole,
)

DAY = datetime.date(2026, 11, 28)


def answers(**overrides):
    base = {
        "date": DAY,
        "channel": Channel.FACE_TO_FACE,
        "kind": Kind.REGULAR,
        "kind_confirmed": True,
    }
    return Answers(**(base | overrides))


def steps(result):
    return [(p.ref.step.value, p.ref.participant_id, p.done) for p in result.steps]


def test_a_fresh_checklist_starts_with_the_kind_and_predicts_the_ordinary_path():
    result = plan(answers(kind_confirmed=False))
    assert result.next == StepRef(Step.KIND)
    assert steps(result) == [
        ("kind", None, False),
        ("wish", None, False),
        ("participants", None, False),
        ("inform", None, False),
        ("accepts", None, False),
        ("uwv", None, False),
        ("outcome", None, False),
    ]
    assert result.decision is None


def test_a_client_who_does_not_want_to_record_is_asked_nothing_more():
    result = plan(answers(wish=Wish.NO))
    assert [s for s, _, _ in steps(result)] == ["kind", "wish", "uwv", "outcome"]
    assert result.next == StepRef(Step.UWV)
    assert result.decision.outcome is Outcome.NOT_REQUESTED


@pytest.mark.parametrize(
    "overrides",
    [
        {"wish": Wish.VIDEO},
        {"wish": Wish.AUDIO, "kind": Kind.INVESTIGATION_INTERVIEW},
        {"wish": Wish.AUDIO, "client_has_prior_violation": True},
    ],
    ids=["video", "investigation_interview", "prior_violation"],
)
def test_a_decisive_no_skips_every_client_question(overrides):
    result = plan(answers(**overrides))
    assert [s for s, _, _ in steps(result)] == ["kind", "wish", "uwv", "outcome"]
    assert result.decision.outcome is Outcome.NOT_ALLOWED


def test_rules_not_accepted_ends_the_client_questions_but_keeps_what_was_asked():
    people = (
        ParticipantFacts(id="7", role=ParticipantRole.THIRD_PERSON, consents=None),
    )
    result = plan(
        answers(
            wish=Wish.AUDIO,
            participants=people,
            participants_confirmed=True,
            client_informed=True,
            client_accepts_rules=False,
        )
    )
    assert steps(result) == [
        ("kind", None, True),
        ("wish", None, True),
        ("participants", None, True),
        ("inform", None, True),
        ("accepts", None, True),
        ("uwv", None, False),
        ("outcome", None, False),
    ]
    assert result.decision.reasons == ("RULES_NOT_ACCEPTED",)


def test_each_third_person_is_asked_but_a_uwv_colleague_is_not():
    people = (
        ParticipantFacts(id="1", role=ParticipantRole.INTERPRETER, consents=None),
        ParticipantFacts(id="2", role=ParticipantRole.UWV_COLLEAGUE, consents=None),
    )
    result = plan(
        answers(
            wish=Wish.AUDIO,
            participants=people,
            participants_confirmed=True,
            client_informed=True,
            client_accepts_rules=True,
        )
    )
    assert result.next == StepRef(Step.CONSENT, "1")
    assert StepRef(Step.CONSENT, "2") not in [p.ref for p in result.steps]


def test_a_mediation_without_mediator_keeps_the_participants_step_open():
    people = (
        ParticipantFacts(id="1", role=ParticipantRole.OTHER_PARTY, consents=None),
    )
    result = plan(
        answers(
            wish=Wish.AUDIO,
            kind=Kind.MEDIATION,
            participants=people,
            participants_confirmed=True,
        )
    )
    assert result.next == StepRef(Step.PARTICIPANTS)
    assert result.mediation_roles_missing() == ("mediator",)


def test_uwv_recording_asks_the_reason_and_that_everyone_was_told():
    result = plan(answers(wish=Wish.NO, uwv_records=True))
    assert result.next == StepRef(Step.UWV_DETAILS)
    done = plan(
        answers(
            wish=Wish.NO,
            uwv_records=True,
            uwv_reason="Dossier",
            participants_told_uwv_records=True,
        )
    )
    assert done.complete
    assert done.decision.uwv_recording == "planned"


def test_all_answered_allows_recording_with_its_conditions():
    result = plan(
        answers(
            wish=Wish.AUDIO,
            participants_confirmed=True,
            client_informed=True,
            client_accepts_rules=True,
            uwv_records=False,
        )
    )
    assert result.complete
    assert result.decision.outcome is Outcome.ALLOWED
    assert result.decision.conditions == ("audio_only", "home_circle_only")


def test_steps_beyond_the_next_are_not_reachable_and_back_goes_one_step():
    result = plan(answers(wish=Wish.AUDIO))
    assert result.reachable(StepRef(Step.PARTICIPANTS))
    assert not result.reachable(StepRef(Step.INFORM))
    assert result.previous(StepRef(Step.PARTICIPANTS)) == StepRef(Step.WISH)
    assert result.previous(StepRef(Step.KIND)) is None


def test_a_predicted_path_marks_what_is_already_answered():
    result = plan(answers(uwv_records=True, uwv_reason="Dossier"))
    assert steps(result) == [
        ("kind", None, True),
        ("wish", None, False),
        ("participants", None, False),
        ("inform", None, False),
        ("accepts", None, False),
        ("uwv", None, True),
        ("uwv_details", None, False),
        ("outcome", None, False),
    ]
    assert result.next == StepRef(Step.WISH)
    assert not result.complete
    assert (result.facts, result.decision) == (None, None)
    assert result.mediation_roles_missing() == ()


def all_answered(**overrides):
    base = {
        "wish": Wish.AUDIO,
        "participants_confirmed": True,
        "client_informed": True,
        "client_accepts_rules": True,
        "uwv_records": False,
    }
    return answers(**(base | overrides))


def test_a_participant_who_consented_lets_the_plan_complete():
    people = (
        ParticipantFacts(id="p1", role=ParticipantRole.THIRD_PERSON, consents=True),
    )
    result = plan(all_answered(participants=people))
    assert steps(result) == [
        ("kind", None, True),
        ("wish", None, True),
        ("participants", None, True),
        ("inform", None, True),
        ("accepts", None, True),
        ("consent", "p1", True),
        ("uwv", None, True),
        ("outcome", None, False),
    ]
    assert result.complete
    assert result.next == StepRef(Step.OUTCOME)
    assert result.decision.outcome is Outcome.ALLOWED


def test_a_participant_who_refused_ends_the_questions_with_the_consent_kept():
    people = (
        ParticipantFacts(id="p1", role=ParticipantRole.THIRD_PERSON, consents=False),
        ParticipantFacts(id="p2", role=ParticipantRole.INTERPRETER, consents=None),
    )
    result = plan(all_answered(participants=people, client_informed=None))
    assert steps(result) == [
        ("kind", None, True),
        ("wish", None, True),
        ("participants", None, True),
        ("accepts", None, True),
        ("consent", "p1", True),
        ("uwv", None, True),
        ("outcome", None, False),
    ]
    assert result.complete
    assert result.decision.reasons == ("THIRD_PARTY_NO_CONSENT",)


def test_a_consent_not_given_yet_is_the_next_step_and_not_done():
    people = (
        ParticipantFacts(id="p1", role=ParticipantRole.THIRD_PERSON, consents=None),
    )
    result = plan(all_answered(participants=people))
    assert ("consent", "p1", False) in steps(result)
    assert result.next == StepRef(Step.CONSENT, "p1")
    assert not result.complete


@pytest.mark.parametrize(
    ("reason", "told"),
    [("Dossier", None), ("Dossier", False), ("  ", True), ("", True)],
    ids=["not told", "told no", "blank reason", "no reason"],
)
def test_uwv_details_need_both_the_reason_and_that_all_were_told(reason, told):
    result = plan(
        all_answered(uwv_records=True, uwv_reason=reason,
                     participants_told_uwv_records=told)
    )  # fmt: skip
    assert steps(result)[-2:] == [
        ("uwv_details", None, False),
        ("outcome", None, False),
    ]
    assert result.next == StepRef(Step.UWV_DETAILS)
    assert not result.complete


def test_the_plan_carries_the_facts_the_engine_decided_on():
    people = (ParticipantFacts(id="p1", role=ParticipantRole.MEDIATOR, consents=True),)
    given = answers(
        channel=Channel.PHONE,
        kind=Kind.MEDIATION,
        wish=Wish.VIDEO,
        participants=people,
        client_informed=True,
        client_accepts_rules=False,
        client_has_prior_violation=True,
        uwv_records=True,
        uwv_reason="  Dossier  ",
        participants_told_uwv_records=False,
    )
    result = plan(given)
    assert result.facts == Facts(
        date=DAY,
        channel=Channel.PHONE,
        kind=Kind.MEDIATION,
        client_wants_to_record=True,
        media=Media.VIDEO,
        client_informed=True,
        client_accepts_rules=False,
        client_has_prior_violation=True,
        participants=people,
        uwv_records=True,
        uwv_reason="Dossier",
        participants_told_uwv_records=False,
    )
    assert facts_from(given) == result.facts


def test_the_facts_of_no_wish_and_of_no_uwv_recording():
    facts = facts_from(answers(wish=Wish.NO, uwv_reason="   "))
    assert (facts.client_wants_to_record, facts.media) == (False, Media.AUDIO)
    assert (facts.uwv_records, facts.uwv_reason) == (False, None)
    assert facts.participants_told_uwv_records is None
    assert facts_from(answers(wish=Wish.AUDIO)).media is Media.AUDIO


def test_there_are_no_facts_before_the_wish_is_known():
    with pytest.raises(
        ValueError, match=r"^the client's wish to record is not known yet$"
    ):
        facts_from(answers())


@pytest.mark.parametrize(
    "ref",
    [StepRef(Step.INFORM), StepRef(Step.CONSENT, "nobody"), StepRef(Step.UWV_DETAILS)],
)
def test_a_step_off_the_path_is_not_reachable_and_has_no_step_before(ref):
    result = plan(answers(wish=Wish.NO))
    assert result.index(ref) is None
    assert not result.reachable(ref)
    assert result.previous(ref) is None


def test_every_step_up_to_the_next_is_reachable_and_back_goes_one_step():
    result = plan(all_answered(uwv_records=None))
    refs = [planned.ref for planned in result.steps]
    assert result.next == StepRef(Step.UWV)
    assert [result.reachable(ref) for ref in refs] == [True] * 6 + [False]
    assert [result.previous(ref) for ref in refs] == [None, *refs[:-1]]
    assert [result.index(ref) for ref in refs] == list(range(7))


def test_everyone_but_a_uwv_colleague_is_asked_for_consent():
    asked = {role: needs_consent(role) for role in ParticipantRole}
    assert asked == {
        role: role is not ParticipantRole.UWV_COLLEAGUE for role in ParticipantRole
    }
    assert needs_consent(ParticipantRole.UWV_COLLEAGUE) is False


def test_the_planner_loads_no_django():
    code = (
        "import sys, conversations.checklist; "
        "sys.exit(any(m.startswith('django') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
