"""Check properties every decision has, over generated facts."""

import datetime
import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.engine import (
    PARTICIPANT_PREFIX,
    Channel,
    Facts,
    Kind,
    Media,
    Outcome,
    ParticipantFacts,
    ParticipantRole,
    evaluate,
)
from rules.engine.contract import (
    ContractError,
    Request,
    decision_to_json,
    evaluate_document,
    load_document,
    parse_request,
    request_to_json,
)

TODAY = datetime.date(2025, 2, 10)
SOME = settings(max_examples=150, deadline=None)

optional_bools = st.sampled_from([True, False, None])
# Weighted towards "yes" so that allowed decisions are common enough.
answers = st.sampled_from([True, True, True, True, False, None])
participant_ids = st.text(alphabet="abcdefgh:é ", min_size=1, max_size=4)
participants = st.lists(
    st.builds(
        ParticipantFacts,
        id=participant_ids,
        role=st.sampled_from(ParticipantRole),
        consents=answers,
    ),
    unique_by=lambda participant: participant.id,
    max_size=4,
).map(tuple)
facts_strategy = st.builds(
    Facts,
    date=st.dates(datetime.date(2017, 1, 1), datetime.date(2040, 12, 31)),
    channel=st.sampled_from(Channel),
    kind=st.sampled_from([Kind.REGULAR, Kind.REGULAR, Kind.MEDIATION, *Kind]),
    client_wants_to_record=st.sampled_from([True, True, True, False]),
    media=st.sampled_from([Media.AUDIO, Media.AUDIO, Media.AUDIO, Media.VIDEO]),
    client_informed=answers,
    client_accepts_rules=answers,
    client_has_prior_violation=st.sampled_from([False, False, False, True]),
    participants=participants,
    uwv_records=st.booleans(),
    uwv_reason=st.none() | st.text(max_size=5),
    participants_told_uwv_records=optional_bools,
)

PERMISSIVENESS = {Outcome.NOT_ALLOWED: 0, Outcome.INCOMPLETE: 1, Outcome.ALLOWED: 2}


def client_part(decision):
    return (decision.outcome, decision.reasons, decision.missing, decision.conditions)


@SOME
@given(facts_strategy)
def test_not_allowed_exactly_when_there_are_reasons(facts):
    decision = evaluate(facts)

    assert (decision.outcome == Outcome.NOT_ALLOWED) == bool(decision.reasons)


@SOME
@given(facts_strategy)
def test_incomplete_exactly_when_something_is_missing(facts):
    decision = evaluate(facts)

    assert (decision.outcome == Outcome.INCOMPLETE) == bool(decision.missing)


@SOME
@given(facts_strategy)
def test_allowed_exactly_with_both_conditions_and_never_with_missing(facts):
    decision = evaluate(facts)

    allowed = decision.outcome == Outcome.ALLOWED
    assert allowed == (decision.conditions == ("audio_only", "home_circle_only"))
    assert not (allowed and decision.missing)
    assert decision.conditions in {(), ("audio_only", "home_circle_only")}


@SOME
@given(facts_strategy)
def test_no_wish_to_record_is_not_requested_and_nothing_else(facts):
    decision = evaluate(replace(facts, client_wants_to_record=False))

    assert client_part(decision) == (Outcome.NOT_REQUESTED, (), (), ())


def answered_no(facts):
    """Yield the facts with one answer or consent turned from yes or unknown to no."""
    for name in ("client_informed", "client_accepts_rules"):
        if getattr(facts, name) is not False:
            yield replace(facts, **{name: False})
    for index, participant in enumerate(facts.participants):
        if participant.consents is not False:
            changed = list(facts.participants)
            changed[index] = replace(participant, consents=False)
            yield replace(facts, participants=tuple(changed))


def made_worse(facts):
    """Yield the facts with one blocking fact added."""
    yield replace(facts, media=Media.VIDEO)
    yield replace(facts, client_has_prior_violation=True)
    yield replace(facts, kind=Kind.INVESTIGATION_INTERVIEW)


def assert_not_more_permissive(before, after):
    if before == Outcome.NOT_REQUESTED:
        assert after == Outcome.NOT_REQUESTED
    else:
        assert PERMISSIVENESS[after] <= PERMISSIVENESS[before]


@SOME
@given(facts_strategy)
def test_answering_no_never_makes_the_outcome_more_permissive(facts):
    before = evaluate(facts).outcome

    for changed in answered_no(facts):
        assert_not_more_permissive(before, evaluate(changed).outcome)


@SOME
@given(facts_strategy)
def test_a_blocking_fact_never_makes_the_outcome_more_permissive(facts):
    before = evaluate(facts).outcome

    for changed in made_worse(facts):
        assert_not_more_permissive(before, evaluate(changed).outcome)


def split_missing(decision):
    codes = decision.missing
    own = tuple(code for code in codes if not code.startswith(PARTICIPANT_PREFIX))
    return own, tuple(code for code in codes if code.startswith(PARTICIPANT_PREFIX))


@SOME
@given(facts_strategy, st.data())
def test_participant_order_changes_only_the_order_of_participant_codes(facts, data):
    shuffled = tuple(data.draw(st.permutations(facts.participants)))
    before = evaluate(facts)

    after = evaluate(replace(facts, participants=shuffled))

    assert replace(after, missing=()) == replace(before, missing=())
    own_before, asked_before = split_missing(before)
    own_after, asked_after = split_missing(after)
    assert own_after == own_before
    asked = set(asked_before)
    in_new_order = [f"{PARTICIPANT_PREFIX}{p.id}" for p in shuffled]
    assert asked_after == tuple(code for code in in_new_order if code in asked)


@SOME
@given(facts_strategy, st.booleans(), st.none() | st.text(max_size=5), optional_bools)
def test_uwv_recording_never_changes_the_client_decision(facts, records, reason, told):
    changed = replace(
        facts,
        uwv_records=records,
        uwv_reason=reason,
        participants_told_uwv_records=told,
    )

    assert client_part(evaluate(changed)) == client_part(evaluate(facts))


@SOME
@given(facts_strategy, st.none() | st.text(max_size=8))
def test_contract_reads_back_what_it_writes(facts, request_id):
    request = Request(facts=facts, id=request_id)
    text = json.dumps(request_to_json(request), ensure_ascii=False)

    assert parse_request(load_document(text.encode()), today=TODAY) == request


@SOME
@given(facts_strategy, st.none() | st.text(max_size=8))
def test_contract_decision_matches_the_engine_decision(facts, request_id):
    document = request_to_json(Request(facts=facts, id=request_id))

    answer = evaluate_document(document, today=TODAY)

    expected = decision_to_json(evaluate(facts), request_id=request_id)
    assert answer == expected
    assert json.loads(json.dumps(answer)) == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def evaluates_or_refuses(document):
    """Assert that a document gives decisions, or an error naming where it is bad."""
    try:
        result = evaluate_document(document, today=TODAY)
    except ContractError as error:
        result = error
    if isinstance(result, ContractError):
        assert result.message
        assert result.path is None or isinstance(result.path, str)
    else:
        assert isinstance(result, dict | list)


@SOME
@given(json_values)
def test_any_json_value_gives_decisions_or_a_contract_error(document):
    evaluates_or_refuses(document)


@SOME
@given(facts_strategy, st.data(), json_values)
def test_any_field_value_gives_a_decision_or_a_contract_error(facts, data, value):
    document = request_to_json(Request(facts=facts))
    field = data.draw(st.sampled_from([*document, "participant", "extra"]))
    if field == "participant" and document["participants"]:
        document["participants"][0]["consents"] = value
    else:
        document[field] = value

    evaluates_or_refuses(document)
    evaluates_or_refuses([document])
