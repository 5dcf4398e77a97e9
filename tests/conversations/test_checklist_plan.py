"""The pure planner: which step comes next, driven by the real engine."""

import datetime
import subprocess
import sys

import pytest

from conversations.checklist import Answers, Step, StepRef, Wish, plan
from rules.engine import Channel, Kind, Outcome, ParticipantFacts, ParticipantRole

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
    assert [s for s, _, _ in steps(result)] == [
        "kind",
        "wish",
        "participants",
        "inform",
        "accepts",
        "uwv",
        "outcome",
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


def test_the_planner_loads_no_django():
    code = (
        "import sys, conversations.checklist; "
        "sys.exit(any(m.startswith('django') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
