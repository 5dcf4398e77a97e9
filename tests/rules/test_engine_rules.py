"""Check one row per rule and per ordering rule of docs/policy.md."""

import datetime
from types import MappingProxyType

import pytest

from rules.engine import (
    POLICIES,
    Channel,
    Condition,
    Facts,
    Kind,
    Media,
    Outcome,
    ParticipantFacts,
    ParticipantRole,
    Policy,
    PolicyNotInForce,
    Reason,
    Ruling,
    evaluate,
    policy_for,
    registry,
)

DAY = datetime.date(2025, 2, 10)

NOT_REQUESTED = ("not_requested", (), (), ())
ALLOWED = ("allowed", (), (), ("audio_only", "home_circle_only"))


def not_allowed(*reasons):
    return ("not_allowed", reasons, (), ())


def incomplete(*missing):
    return ("incomplete", (), missing, ())


def facts(**changes):
    """Return facts for an informed, agreeing client, with ``changes`` applied."""
    base = {
        "date": DAY,
        "channel": Channel.FACE_TO_FACE,
        "client_wants_to_record": True,
        "client_informed": True,
        "client_accepts_rules": True,
    }
    return Facts(**(base | changes))


def person(participant_id, role, consents):
    return ParticipantFacts(
        id=participant_id, role=ParticipantRole(role), consents=consents
    )


MEDIATOR_AGREES = person("m", "mediator", True)
EMPLOYER_AGREES = person("employer", "other_party", True)


def mediation(*participants):
    return {"kind": Kind.MEDIATION, "participants": participants}


CLIENT_ROWS = [
    pytest.param({}, ALLOWED, id="allowed-when-informed-and-agreeing"),
    pytest.param({"channel": Channel.PHONE}, ALLOWED, id="R1-audio-of-phone-call"),
    pytest.param(
        {"media": Media.VIDEO}, not_allowed("VIDEO_NOT_ALLOWED"), id="R1-no-video"
    ),
    pytest.param(
        {"client_wants_to_record": False}, NOT_REQUESTED, id="R2-no-wish-no-request"
    ),
    pytest.param(
        {
            "client_wants_to_record": False,
            "media": Media.VIDEO,
            "kind": Kind.INVESTIGATION_INTERVIEW,
            "client_has_prior_violation": True,
            "client_informed": None,
            "client_accepts_rules": False,
        },
        NOT_REQUESTED,
        id="R2-no-wish-asks-nothing-else",
    ),
    pytest.param(
        {"client_informed": None}, incomplete("client_informed"), id="R3-not-informed"
    ),
    pytest.param(
        {"client_informed": False},
        incomplete("client_informed"),
        id="R3-informed-false-is-not-confirmed",
    ),
    pytest.param(
        {"client_accepts_rules": None},
        incomplete("client_accepts_rules"),
        id="R3-agreement-unknown",
    ),
    pytest.param(
        {"client_accepts_rules": False},
        not_allowed("RULES_NOT_ACCEPTED"),
        id="R3-rules-refused",
    ),
    pytest.param(
        {"client_accepts_rules": False, "client_informed": None},
        not_allowed("RULES_NOT_ACCEPTED"),
        id="R3-refusal-does-not-wait-for-informed",
    ),
    pytest.param(
        {"participants": (person("partner", "third_person", False),)},
        not_allowed("THIRD_PARTY_NO_CONSENT"),
        id="R5-third-person-refuses",
    ),
    pytest.param(
        {"participants": (person("lawyer", "representative", False),)},
        not_allowed("THIRD_PARTY_NO_CONSENT"),
        id="R5-representative-refuses",
    ),
    pytest.param(
        {"participants": (person("tolk", "interpreter", False),)},
        not_allowed("THIRD_PARTY_NO_CONSENT"),
        id="R5-interpreter-refuses",
    ),
    pytest.param(
        {"participants": (person("partner", "third_person", None),)},
        incomplete("participant:partner"),
        id="R5-third-person-not-asked",
    ),
    pytest.param(
        {"participants": (person("tolk", "interpreter", None),)},
        incomplete("participant:tolk"),
        id="R5-interpreter-not-asked",
    ),
    pytest.param(
        {"participants": (person("partner", "third_person", True),)},
        ALLOWED,
        id="R5-third-person-consents",
    ),
    pytest.param(
        mediation(MEDIATOR_AGREES, EMPLOYER_AGREES), ALLOWED, id="R6-all-agree"
    ),
    pytest.param(
        mediation(person("m", "mediator", False), EMPLOYER_AGREES),
        not_allowed("MEDIATION_NO_CONSENT"),
        id="R6-mediator-refuses",
    ),
    pytest.param(
        mediation(
            MEDIATOR_AGREES, EMPLOYER_AGREES, person("union", "other_party", False)
        ),
        not_allowed("MEDIATION_NO_CONSENT"),
        id="R6-one-of-two-other-parties-refuses",
    ),
    pytest.param(
        mediation(EMPLOYER_AGREES), incomplete("mediator"), id="R6-no-mediator-yet"
    ),
    pytest.param(
        mediation(MEDIATOR_AGREES),
        incomplete("other_party"),
        id="R6-no-other-party-yet",
    ),
    pytest.param(
        mediation(), incomplete("mediator", "other_party"), id="R6-nobody-yet"
    ),
    pytest.param(
        mediation(person("m", "mediator", None), EMPLOYER_AGREES),
        incomplete("participant:m"),
        id="R6-present-mediator-not-asked-is-a-participant",
    ),
    pytest.param(
        mediation(MEDIATOR_AGREES, person("employer", "other_party", None)),
        incomplete("participant:employer"),
        id="R6-present-other-party-not-asked-is-a-participant",
    ),
    pytest.param(
        mediation(person("employer", "other_party", False)),
        not_allowed("MEDIATION_NO_CONSENT"),
        id="R6-refusal-does-not-wait-for-mediator",
    ),
    pytest.param(
        mediation(
            MEDIATOR_AGREES, EMPLOYER_AGREES, person("partner", "third_person", False)
        ),
        not_allowed("THIRD_PARTY_NO_CONSENT"),
        id="R5-third-person-in-mediation-refuses",
    ),
    pytest.param(
        {"participants": (person("m", "mediator", False),)},
        not_allowed("THIRD_PARTY_NO_CONSENT"),
        id="R5-mediator-outside-mediation-is-a-third-person",
    ),
    pytest.param(
        {"participants": (person("employer", "other_party", None),)},
        incomplete("participant:employer"),
        id="R5-other-party-outside-mediation-needs-no-mediator",
    ),
    pytest.param(
        {"participants": (person("arts", "uwv_colleague", None),)},
        ALLOWED,
        id="colleague-not-asked-needs-no-consent",
    ),
    pytest.param(
        {"participants": (person("arts", "uwv_colleague", False),)},
        ALLOWED,
        id="colleague-has-no-veto",
    ),
    pytest.param(
        mediation(person("arts", "uwv_colleague", None), EMPLOYER_AGREES),
        incomplete("mediator"),
        id="colleague-is-not-a-mediator",
    ),
    pytest.param(
        {
            "kind": Kind.INVESTIGATION_INTERVIEW,
            "client_informed": None,
            "client_accepts_rules": None,
        },
        not_allowed("INVESTIGATION_INTERVIEW"),
        id="R7-interview-does-not-wait-for-answers",
    ),
    pytest.param(
        {"client_has_prior_violation": True},
        not_allowed("PRIOR_VIOLATION"),
        id="R8-prior-violation",
    ),
    pytest.param(
        {
            "media": Media.VIDEO,
            "client_accepts_rules": False,
            "client_has_prior_violation": True,
            **mediation(
                person("partner", "third_person", False),
                person("m", "mediator", False),
                EMPLOYER_AGREES,
            ),
        },
        not_allowed(
            "VIDEO_NOT_ALLOWED",
            "RULES_NOT_ACCEPTED",
            "THIRD_PARTY_NO_CONSENT",
            "MEDIATION_NO_CONSENT",
            "PRIOR_VIOLATION",
        ),
        id="order-reasons-in-a-mediation",
    ),
    pytest.param(
        {
            "media": Media.VIDEO,
            "client_accepts_rules": False,
            "client_has_prior_violation": True,
            "kind": Kind.INVESTIGATION_INTERVIEW,
            "participants": (person("m", "mediator", False),),
        },
        not_allowed(
            "VIDEO_NOT_ALLOWED",
            "RULES_NOT_ACCEPTED",
            "THIRD_PARTY_NO_CONSENT",
            "INVESTIGATION_INTERVIEW",
            "PRIOR_VIOLATION",
        ),
        id="order-reasons-in-an-interview",
    ),
    pytest.param(
        {
            "client_has_prior_violation": True,
            "client_informed": None,
            "participants": (person("partner", "third_person", None),),
        },
        not_allowed("PRIOR_VIOLATION"),
        id="order-reasons-before-missing",
    ),
    pytest.param(
        {
            "client_informed": None,
            "client_accepts_rules": None,
            **mediation(
                person("b", "third_person", None),
                person("arts", "uwv_colleague", None),
                person("a", "interpreter", None),
                person("c", "representative", True),
            ),
        },
        incomplete(
            "client_informed",
            "client_accepts_rules",
            "mediator",
            "other_party",
            "participant:b",
            "participant:a",
        ),
        id="order-missing",
    ),
    pytest.param(
        mediation(person("z", "third_person", None), person("m", "mediator", None)),
        incomplete("other_party", "participant:z", "participant:m"),
        id="order-missing-participants-as-given",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), CLIENT_ROWS)
def test_client_recording_follows_the_rules(changes, expected):
    decision = evaluate(facts(**changes))

    got = (decision.outcome, decision.reasons, decision.missing, decision.conditions)
    assert got == expected
    assert decision.policy_version == "2017-01"


UWV_ROWS = [
    pytest.param(
        {"uwv_reason": "copy", "participants_told_uwv_records": True},
        ("none", ()),
        id="R9-uwv-does-not-record",
    ),
    pytest.param(
        {
            "uwv_records": True,
            "uwv_reason": "copy",
            "participants_told_uwv_records": True,
        },
        ("planned", ()),
        id="R9-reason-and-everyone-told",
    ),
    pytest.param(
        {"uwv_records": True, "participants_told_uwv_records": True},
        ("incomplete", ("uwv_reason",)),
        id="R9-no-reason",
    ),
    pytest.param(
        {
            "uwv_records": True,
            "uwv_reason": " \t\n",
            "participants_told_uwv_records": True,
        },
        ("incomplete", ("uwv_reason",)),
        id="R9-blank-reason",
    ),
    pytest.param(
        {"uwv_records": True, "uwv_reason": "copy"},
        ("incomplete", ("participants_told_uwv_records",)),
        id="R9-not-yet-told",
    ),
    pytest.param(
        {
            "uwv_records": True,
            "uwv_reason": "copy",
            "participants_told_uwv_records": False,
        },
        ("incomplete", ("participants_told_uwv_records",)),
        id="R9-told-false-is-not-confirmed",
    ),
    pytest.param(
        {"uwv_records": True},
        ("incomplete", ("uwv_reason", "participants_told_uwv_records")),
        id="R9-order-missing",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), UWV_ROWS)
def test_uwv_recording_follows_r9(changes, expected):
    decision = evaluate(facts(**changes))

    assert (decision.uwv_recording, decision.uwv_missing) == expected
    assert decision.outcome == "allowed"


PLANNED_UWV = {
    "uwv_records": True,
    "uwv_reason": "copy",
    "participants_told_uwv_records": True,
}


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        pytest.param({"client_wants_to_record": False}, "not_requested", id="R9-R2"),
        pytest.param({"media": Media.VIDEO}, "not_allowed", id="R9-R1"),
        pytest.param({"client_informed": None}, "incomplete", id="R9-R3"),
    ],
)
def test_uwv_recording_is_decided_whatever_the_client_outcome(changes, outcome):
    decision = evaluate(facts(**changes, **PLANNED_UWV))

    assert (decision.outcome, decision.uwv_recording) == (outcome, "planned")


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        pytest.param(Reason.VIDEO_NOT_ALLOWED, "R1", id="video-R1"),
        pytest.param(Reason.RULES_NOT_ACCEPTED, "R3", id="rules-R3"),
        pytest.param(Reason.THIRD_PARTY_NO_CONSENT, "R5", id="third-party-R5"),
        pytest.param(Reason.MEDIATION_NO_CONSENT, "R6", id="mediation-R6"),
        pytest.param(Reason.INVESTIGATION_INTERVIEW, "R7", id="interview-R7"),
        pytest.param(Reason.PRIOR_VIOLATION, "R8", id="prior-violation-R8"),
        pytest.param(Condition.AUDIO_ONLY, "R1", id="audio-only-R1"),
        pytest.param(Condition.HOME_CIRCLE_ONLY, "R4", id="home-circle-R4"),
    ],
)
def test_each_code_cites_its_rule(code, rule):
    assert code.rule == rule


def test_decision_names_the_rule_of_each_reason_in_order():
    decision = evaluate(facts(media=Media.VIDEO, client_has_prior_violation=True))

    assert decision.reason_rules == ("R1", "R8")


def test_allowed_decision_names_the_rules_of_its_conditions():
    assert evaluate(facts()).condition_rules == ("R1", "R4")


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(datetime.date(2016, 12, 31), id="day-before"),
        pytest.param(datetime.date(1, 1, 1), id="long-before"),
    ],
)
def test_refuses_a_date_before_the_first_policy(day):
    with pytest.raises(PolicyNotInForce) as caught:
        evaluate(facts(date=day))

    assert str(caught.value) == "no recording policy in force on that date"


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(datetime.date(2017, 1, 1), id="first-day"),
        pytest.param(datetime.date(2025, 2, 10), id="later"),
        pytest.param(datetime.date(9999, 12, 31), id="last-day"),
    ],
)
def test_decides_under_2017_01_from_its_first_day(day):
    assert evaluate(facts(date=day)).policy_version == "2017-01"
    assert policy_for(day).version == "2017-01"


def test_registry_holds_version_2017_01_from_new_year_2017():
    assert list(POLICIES) == ["2017-01"]
    assert POLICIES["2017-01"].in_force_from == datetime.date(2017, 1, 1)


def test_policy_not_in_force_is_a_value_error():
    assert issubclass(PolicyNotInForce, ValueError)


def test_facts_refuse_two_participants_with_one_id():
    with pytest.raises(ValueError, match="duplicate participant id 'x'"):
        facts(participants=(person("x", "third_person", True),) * 2)


def test_refusing_a_date_keeps_the_date_refused():
    day = datetime.date(2016, 12, 31)
    with pytest.raises(PolicyNotInForce) as caught:
        policy_for(day)

    assert caught.value.date == day
    assert isinstance(caught.value, ValueError)


def _version(name: str, first_day: datetime.date) -> Policy:
    def decide(facts: Facts) -> Ruling:
        return Ruling(policy_version=name, outcome=Outcome.NOT_REQUESTED)

    return Policy(version=name, in_force_from=first_day, decide=decide)


@pytest.mark.parametrize(
    "newest_first", [False, True], ids=["oldest-first", "newest-first"]
)
def test_the_latest_version_in_force_on_the_date_decides(monkeypatch, newest_first):
    first = POLICIES["2017-01"]
    later = _version("2030-07", datetime.date(2030, 7, 1))
    versions = [first, later][:: -1 if newest_first else 1]
    monkeypatch.setattr(
        registry, "POLICIES", MappingProxyType({p.version: p for p in versions})
    )

    assert policy_for(datetime.date(2030, 6, 30)) is first
    assert policy_for(datetime.date(2030, 7, 1)) is later
    assert policy_for(datetime.date(2099, 1, 1)) is later
    assert evaluate(facts(date=datetime.date(2030, 6, 30))).policy_version == "2017-01"
    assert evaluate(facts(date=datetime.date(2030, 7, 1))).policy_version == "2030-07"
    with pytest.raises(PolicyNotInForce):
        policy_for(datetime.date(2016, 12, 31))
