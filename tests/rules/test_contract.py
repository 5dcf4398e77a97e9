"""Check that every kind of bad input is refused with a message naming its field."""

import datetime
import json

import pytest

from rules.engine import (
    Channel,
    Facts,
    Kind,
    Media,
    ParticipantFacts,
    ParticipantRole,
    contract,
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
VALID = {"channel": "phone", "client_wants_to_record": True}


def with_fields(**fields):
    return VALID | fields


def partner(**fields):
    return {"id": "partner", "role": "third_person", "consents": True} | fields


def refused(document):
    """Return the ContractError that evaluating ``document`` raises."""
    with pytest.raises(ContractError) as caught:
        evaluate_document(document, today=TODAY)
    return caught.value


BAD_REQUESTS = [
    # the document as a whole
    pytest.param("request", None, "expected a request object or an array", id="str"),
    pytest.param(3, None, "expected a request object or an array", id="number"),
    pytest.param(None, None, "expected a request object or an array", id="null"),
    pytest.param(True, None, "expected a request object or an array", id="true"),
    pytest.param([VALID, "x"], "[1]", "expected an object", id="array-of-str"),
    pytest.param([VALID, [VALID]], "[1]", "expected an object", id="nested-array"),
    # fields
    pytest.param(
        with_fields(chanel="phone"), "chanel", "unknown field 'chanel'", id="typo"
    ),
    pytest.param(
        [VALID, VALID, VALID, with_fields(channel="fax")],
        "[3].channel",
        "unknown value 'fax'; expected one of: face_to_face, phone",
        id="bad-element-in-array",
    ),
    pytest.param(
        [with_fields(Channel="phone")],
        "[0].Channel",
        "unknown field 'Channel'",
        id="field-names-are-case-sensitive",
    ),
    pytest.param(
        {"client_wants_to_record": True},
        "channel",
        "missing required field 'channel'",
        id="no-channel",
    ),
    pytest.param(
        {"channel": "phone"},
        "client_wants_to_record",
        "missing required field 'client_wants_to_record'",
        id="no-wish",
    ),
    pytest.param(
        [{"channel": "phone"}],
        "[0].client_wants_to_record",
        "missing required field 'client_wants_to_record'",
        id="no-wish-in-array",
    ),
    # types
    pytest.param(with_fields(id=True), "id", "expected a string", id="id-true"),
    pytest.param(with_fields(id=7), "id", "expected a string", id="id-number"),
    pytest.param(with_fields(id=None), "id", "expected a string", id="id-null"),
    pytest.param(
        with_fields(client_wants_to_record=1),
        "client_wants_to_record",
        "expected a boolean",
        id="wish-one-is-not-true",
    ),
    pytest.param(
        with_fields(client_wants_to_record="true"),
        "client_wants_to_record",
        "expected a boolean",
        id="wish-string",
    ),
    pytest.param(
        with_fields(client_wants_to_record=None),
        "client_wants_to_record",
        "expected a boolean",
        id="wish-null",
    ),
    pytest.param(
        with_fields(client_informed=0),
        "client_informed",
        "expected a boolean or null",
        id="informed-zero",
    ),
    pytest.param(
        with_fields(client_accepts_rules="no"),
        "client_accepts_rules",
        "expected a boolean or null",
        id="accepts-string",
    ),
    pytest.param(
        with_fields(client_has_prior_violation=None),
        "client_has_prior_violation",
        "expected a boolean",
        id="prior-violation-null",
    ),
    pytest.param(
        with_fields(uwv_records="yes"),
        "uwv_records",
        "expected a boolean",
        id="uwv-records-string",
    ),
    pytest.param(
        with_fields(uwv_reason=True),
        "uwv_reason",
        "expected a string or null",
        id="uwv-reason-true",
    ),
    pytest.param(
        with_fields(uwv_reason=["copy"]),
        "uwv_reason",
        "expected a string or null",
        id="uwv-reason-array",
    ),
    pytest.param(
        with_fields(participants_told_uwv_records=1.0),
        "participants_told_uwv_records",
        "expected a boolean or null",
        id="told-float",
    ),
    # enum values
    pytest.param(
        with_fields(channel=True),
        "channel",
        "expected one of: face_to_face, phone",
        id="channel-true",
    ),
    pytest.param(
        with_fields(channel="PHONE"),
        "channel",
        "unknown value 'PHONE'; expected one of: face_to_face, phone",
        id="channel-upper-case",
    ),
    pytest.param(
        with_fields(kind="hearing"),
        "kind",
        "unknown value 'hearing'; expected one of: regular, mediation, "
        "investigation_interview",
        id="kind",
    ),
    pytest.param(with_fields(kind=None), "kind", "expected one of", id="kind-null"),
    pytest.param(
        with_fields(media="image"),
        "media",
        "unknown value 'image'; expected one of: audio, video",
        id="media",
    ),
    # participants
    pytest.param(
        with_fields(participants={"id": "x"}),
        "participants",
        "expected an array",
        id="participants-object",
    ),
    pytest.param(
        with_fields(participants=None),
        "participants",
        "expected an array",
        id="participants-null",
    ),
    pytest.param(
        with_fields(participants=[partner(), "tolk"]),
        "participants[1]",
        "expected an object",
        id="participant-str",
    ),
    pytest.param(
        with_fields(participants=[partner(name="Jan")]),
        "participants[0].name",
        "unknown field 'name'",
        id="participant-unknown-field",
    ),
    pytest.param(
        with_fields(participants=[{"id": "x", "consents": True}]),
        "participants[0].role",
        "missing required field 'role'",
        id="participant-no-role",
    ),
    pytest.param(
        with_fields(participants=[{"role": "interpreter", "consents": None}]),
        "participants[0].id",
        "missing required field 'id'",
        id="participant-no-id",
    ),
    pytest.param(
        with_fields(participants=[{"id": "x", "role": "interpreter"}]),
        "participants[0].consents",
        "missing required field 'consents'",
        id="participant-no-consents",
    ),
    pytest.param(
        with_fields(participants=[partner(), partner(id="b", role="boss")]),
        "participants[1].role",
        "unknown value 'boss'; expected one of: third_person, representative, "
        "interpreter, mediator, other_party, uwv_colleague",
        id="participant-role",
    ),
    pytest.param(
        with_fields(participants=[partner(id=3)]),
        "participants[0].id",
        "expected a string",
        id="participant-id-number",
    ),
    pytest.param(
        with_fields(participants=[partner(consents="yes")]),
        "participants[0].consents",
        "expected a boolean or null",
        id="participant-consents-string",
    ),
    pytest.param(
        with_fields(participants=[partner(id="x"), partner(id="y"), partner(id="x")]),
        "participants[2].id",
        "duplicate participant id 'x'",
        id="participant-duplicate-id",
    ),
    pytest.param(
        [VALID, with_fields(participants=[partner(consents=1)])],
        "[1].participants[0].consents",
        "expected a boolean or null",
        id="participant-in-array",
    ),
    # dates
    pytest.param(
        with_fields(date="2025-02-30"),
        "date",
        "invalid date '2025-02-30': no such day",
        id="date-impossible",
    ),
    pytest.param(
        with_fields(date="2025-13-01"),
        "date",
        "invalid date '2025-13-01': no such day",
        id="date-month-13",
    ),
    pytest.param(
        with_fields(date="2025/02/10"),
        "date",
        "invalid date '2025/02/10'; expected an ISO date (YYYY-MM-DD)",
        id="date-slashes",
    ),
    pytest.param(
        with_fields(date="20250210"),
        "date",
        "invalid date '20250210'; expected an ISO date (YYYY-MM-DD)",
        id="date-basic-format",
    ),
    pytest.param(
        with_fields(date="2025-W07-1"),
        "date",
        "invalid date '2025-W07-1'",
        id="date-week-format",
    ),
    pytest.param(
        with_fields(date="2025-02-10T09:00"),
        "date",
        "invalid date '2025-02-10T09:00'",
        id="date-with-time",
    ),
    pytest.param(
        with_fields(date="\u0662\u0660\u0662\u0665-\u0660\u0662-\u0661\u0660"),
        "date",
        "invalid date",
        id="date-non-ascii-digits",
    ),
    pytest.param(with_fields(date=""), "date", "invalid date ''", id="date-empty"),
    pytest.param(
        with_fields(date=20250210),
        "date",
        "expected an ISO date (YYYY-MM-DD)",
        id="date-number",
    ),
    pytest.param(
        with_fields(date=None),
        "date",
        "expected an ISO date (YYYY-MM-DD)",
        id="date-null",
    ),
    pytest.param(
        with_fields(date="2016-12-31"),
        "date",
        "no recording policy in force on that date",
        id="date-before-2017",
    ),
    pytest.param(
        [VALID, with_fields(date="0001-01-01")],
        "[1].date",
        "no recording policy in force on that date",
        id="date-before-2017-in-array",
    ),
]


@pytest.mark.parametrize(("document", "path", "message"), BAD_REQUESTS)
def test_refuses_bad_input_naming_the_field(document, path, message):
    error = refused(document)

    assert error.path == path
    assert error.message.startswith(message)
    assert error.as_json() == {"error": error.message, "path": path}


def test_refuses_the_first_bad_field_in_the_order_of_the_contract():
    error = refused({"media": "image", "kind": "hearing", "channel": "phone"})

    assert error.path == "kind"


def test_quotes_a_long_value_cut_short():
    error = refused(with_fields(channel="x" * 1000))

    assert error.message == (
        "unknown value 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'; "
        "expected one of: face_to_face, phone"
    )


def test_refuses_a_request_dated_by_default_before_2017():
    with pytest.raises(ContractError) as caught:
        evaluate_document(VALID, today=datetime.date(2016, 6, 1))

    assert (caught.value.path, caught.value.message) == (
        "date",
        "no recording policy in force on that date",
    )


BAD_TEXTS = [
    pytest.param(b"", "input is not valid JSON: Expecting value", id="empty"),
    pytest.param(b"{", "input is not valid JSON: Expecting property name", id="cut"),
    pytest.param(b"{'a': 1}", "input is not valid JSON", id="single-quotes"),
    pytest.param(b"[1,]", "input is not valid JSON", id="trailing-comma"),
    pytest.param(b"{} {}", "input is not valid JSON: Extra data", id="two-values"),
    pytest.param(b"NaN", "input is not valid JSON: NaN is not a JSON value", id="nan"),
    pytest.param(
        b'{"a": -Infinity}',
        "input is not valid JSON: -Infinity is not a JSON value",
        id="infinity",
    ),
    pytest.param(b'{"a": "\xff"}', "input is not valid UTF-8", id="latin-1"),
    pytest.param(b"[" * 100_000, "input is nested too deeply", id="deep"),
    pytest.param(b"1" * 5000, "input is not valid JSON", id="huge-integer"),
]


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_refuses_text_that_is_not_json(text, message):
    with pytest.raises(ContractError) as caught:
        load_document(text)

    assert caught.value.message.startswith(message)
    assert caught.value.path is None


def test_names_the_line_and_column_of_a_syntax_error():
    with pytest.raises(ContractError) as caught:
        load_document('{\n  "channel": phone\n}')

    assert caught.value.message == (
        "input is not valid JSON: Expecting value (line 2, column 14)"
    )


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        pytest.param(
            '{"channel": "phone", "channel": "phone", "client_wants_to_record": true}',
            "channel",
            "duplicate field 'channel'",
            id="top-level",
        ),
        pytest.param(
            '[{"channel": "phone", "client_wants_to_record": true,'
            ' "participants": [{"id": "a", "id": "b", "role": "interpreter",'
            ' "consents": true}]}]',
            "[0].participants[0].id",
            "duplicate field 'id'",
            id="participant",
        ),
    ],
)
def test_refuses_a_field_given_twice(text, path, message):
    error = refused(load_document(text))

    assert (error.message, error.path) == (message, path)


def test_fills_in_the_defaults_of_the_contract():
    request = parse_request(VALID, today=TODAY)

    assert request == Request(
        facts=Facts(
            date=TODAY,
            channel=Channel.PHONE,
            kind=Kind.REGULAR,
            client_wants_to_record=True,
            media=Media.AUDIO,
            client_informed=None,
            client_accepts_rules=None,
            client_has_prior_violation=False,
            participants=(),
            uwv_records=False,
            uwv_reason=None,
            participants_told_uwv_records=None,
        ),
        id=None,
    )


def test_reads_every_field_of_a_full_request():
    document = {
        "id": "gesprek-1",
        "date": "2017-01-01",
        "channel": "face_to_face",
        "kind": "mediation",
        "client_wants_to_record": True,
        "media": "video",
        "client_informed": False,
        "client_accepts_rules": True,
        "client_has_prior_violation": True,
        "participants": [
            {"id": "m", "role": "mediator", "consents": None},
            {"id": "e", "role": "other_party", "consents": False},
        ],
        "uwv_records": True,
        "uwv_reason": "Kopie",
        "participants_told_uwv_records": False,
    }

    request = parse_request(document, today=TODAY)

    assert request == Request(
        id="gesprek-1",
        facts=Facts(
            date=datetime.date(2017, 1, 1),
            channel=Channel.FACE_TO_FACE,
            kind=Kind.MEDIATION,
            client_wants_to_record=True,
            media=Media.VIDEO,
            client_informed=False,
            client_accepts_rules=True,
            client_has_prior_violation=True,
            participants=(
                ParticipantFacts(id="m", role=ParticipantRole.MEDIATOR, consents=None),
                ParticipantFacts(
                    id="e", role=ParticipantRole.OTHER_PARTY, consents=False
                ),
            ),
            uwv_records=True,
            uwv_reason="Kopie",
            participants_told_uwv_records=False,
        ),
    )
    assert request_to_json(request) == document


def test_answers_an_object_with_an_object_without_id():
    assert evaluate_document(
        VALID | {"client_wants_to_record": False}, today=TODAY
    ) == {
        "policy_version": "2017-01",
        "outcome": "not_requested",
        "reasons": [],
        "missing": [],
        "conditions": [],
        "uwv_recording": "none",
        "uwv_missing": [],
    }


def test_answers_an_empty_array_with_an_empty_array():
    assert evaluate_document([], today=TODAY) == []


def test_answers_an_array_in_the_same_order_echoing_ids():
    documents = [with_fields(id=name) for name in ("b", "a", "c")]

    answers = evaluate_document(documents, today=TODAY)

    assert [answer["id"] for answer in answers] == ["b", "a", "c"]


def test_writes_the_decision_fields_in_contract_order_id_first():
    document = with_fields(id="x", client_informed=True, client_accepts_rules=True)

    answer = evaluate_document(document, today=TODAY)

    assert list(answer) == [
        "id",
        "policy_version",
        "outcome",
        "reasons",
        "missing",
        "conditions",
        "uwv_recording",
        "uwv_missing",
    ]
    assert answer["conditions"] == ["audio_only", "home_circle_only"]


def test_writes_plain_strings_not_enum_members():
    request = parse_request(with_fields(media="video"), today=TODAY)

    answer = decision_to_json(evaluate(request.facts), request_id="x")

    assert [type(code) for code in answer["reasons"]] == [str]
    assert type(answer["outcome"]) is str


def test_reads_utf8_with_or_without_a_byte_order_mark():
    text = '{"id": "gesprek met Zoë", "channel": "phone"}'.encode()

    assert load_document(text) == {"id": "gesprek met Zoë", "channel": "phone"}
    assert load_document(b"\xef\xbb\xbf" + text) == load_document(text)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        pytest.param(with_fields(id="a\ud800"), "id", id="id"),
        pytest.param(
            with_fields(participants=[partner(id="\udfff")]),
            "participants[0].id",
            id="participant-id",
        ),
        pytest.param(with_fields(uwv_reason="\ud800"), "uwv_reason", id="uwv-reason"),
    ],
)
def test_refuses_a_lone_surrogate_that_utf8_cannot_carry(document, path):
    error = refused(document)

    assert (error.message, error.path) == (
        "invalid string: contains a lone surrogate",
        path,
    )


def test_names_an_unknown_field_with_a_lone_surrogate_printably():
    error = refused(load_document('{"x\\ud800": 1}'))

    assert (error.message, error.path) == ("unknown field 'x\\ud800'", "x\\ud800")
    assert json.dumps(error.as_json(), ensure_ascii=False).encode()


def test_names_a_duplicate_field_that_is_not_the_first_key():
    error = refused(
        load_document(
            '{"channel": "phone", "client_wants_to_record": true,'
            ' "media": "audio", "media": "video"}'
        )
    )

    assert (error.message, error.path) == ("duplicate field 'media'", "media")


def test_names_every_duplicate_field_in_order_of_the_first_one_refused():
    document = load_document('{"a": 1, "b": 2, "b": 3, "a": 4, "c": 5}')

    assert document == {"a": 4, "b": 3, "c": 5}
    assert document.duplicates == ("a", "b")
    assert getattr(load_document('{"a": 1, "b": 2}'), "duplicates", ()) == ()


@pytest.mark.parametrize(
    ("length", "quoted"),
    [
        pytest.param(40, "'" + "y" * 40 + "'", id="40-kept-whole"),
        pytest.param(41, "'" + "y" * 37 + "...'", id="41-cut-to-40"),
        pytest.param(39, "'" + "y" * 39 + "'", id="39-kept-whole"),
    ],
)
def test_quotes_a_value_of_up_to_40_characters_whole(length, quoted):
    error = refused(with_fields(kind="y" * length))

    assert error.message == (
        f"unknown value {quoted}; expected one of: "
        "regular, mediation, investigation_interview"
    )


def test_a_contract_error_reads_as_its_message():
    error = refused(with_fields(channel=3))

    assert str(error) == "expected one of: face_to_face, phone"
    assert error.args == ("expected one of: face_to_face, phone",)
    assert str(ContractError("expected an object")) == "expected an object"
    assert ContractError("expected an object").path is None


@pytest.mark.parametrize("enum", [Channel, Kind, Media, ParticipantRole])
def test_an_enum_reader_accepts_exactly_its_values(enum):
    read = contract._enum(enum)
    choices = ", ".join(member.value for member in enum)

    assert [read(member.value, "veld") for member in enum] == list(enum)
    for value in (None, 3, ["phone"], 1.5, True):
        with pytest.raises(ContractError) as caught:
            read(value, "veld")
        assert caught.value.as_json() == {
            "error": f"expected one of: {choices}",
            "path": "veld",
        }
    with pytest.raises(ContractError) as caught:
        read("Phone", "x[0].veld")
    assert caught.value.as_json() == {
        "error": f"unknown value 'Phone'; expected one of: {choices}",
        "path": "x[0].veld",
    }
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_decodes_utf8_with_or_without_a_byte_order_mark():
    text = '{"channel": "phone", "uwv_reason": "Één"}'

    assert load_document(text.encode()) == load_document(
        b"\xef\xbb\xbf" + text.encode()
    )
    assert load_document(text.encode())["uwv_reason"] == "Één"
    with pytest.raises(ContractError) as caught:
        load_document(text.encode("utf-16"))
    assert caught.value.as_json() == {"error": "input is not valid UTF-8", "path": None}
