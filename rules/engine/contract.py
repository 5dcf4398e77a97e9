"""Read recording-policy requests from JSON and write decisions back as JSON.

The contract is the table in docs/policy.md, "The machine-readable contract". It is
strict on purpose: an unknown field, a wrong type or an unknown value is an error
naming the offending field, so that a typo is never silently ignored. The caller
passes ``today`` for a request without a date; this module has no clock.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, NoReturn, TypeVar

from rules.engine.model import (
    Channel,
    Facts,
    Kind,
    Media,
    ParticipantFacts,
    ParticipantRole,
    Ruling,
)
from rules.engine.registry import PolicyNotInForce, evaluate, policy_for

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")

_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_QUOTE_LIMIT: Final = 40

_REQUEST_FIELDS: Final = frozenset(
    {
        "id",
        "date",
        "channel",
        "kind",
        "client_wants_to_record",
        "media",
        "client_informed",
        "client_accepts_rules",
        "client_has_prior_violation",
        "participants",
        "uwv_records",
        "uwv_reason",
        "participants_told_uwv_records",
    }
)
_PARTICIPANT_FIELDS: Final = frozenset({"id", "role", "consents"})


class ContractError(ValueError):
    """Raised for input that does not follow the contract.

    ``path`` names the offending field (``"participants[1].role"``, or
    ``"[3].channel"`` inside an array); it is ``None`` when the document as a
    whole is at fault.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        """Keep the message and the path apart, for the JSON error object."""
        super().__init__(message)
        self.message = message
        self.path = path

    def as_json(self) -> dict[str, str | None]:
        """Return the error object the command prints: ``{"error", "path"}``."""
        return {"error": self.message, "path": self.path}


@dataclass(frozen=True, slots=True)
class Request:
    """One parsed request: the facts, and the caller's id to echo back."""

    facts: Facts
    id: str | None = None


# --- reading JSON text ---


class _JsonObject(dict[str, Any]):
    """A decoded JSON object that remembers keys given more than once."""

    duplicates: tuple[str, ...] = ()


def _object_from_pairs(pairs: list[tuple[str, Any]]) -> _JsonObject:
    result = _JsonObject(pairs)
    if len(result) != len(pairs):
        keys = [key for key, _ in pairs]
        result.duplicates = tuple(k for k in result if keys.count(k) > 1)
    return result


def _reject_constant(name: str) -> NoReturn:
    raise ContractError(f"input is not valid JSON: {name} is not a JSON value")


def load_document(data: bytes | str) -> object:
    """Decode JSON text (UTF-8 when bytes) into Python values.

    Duplicate keys are kept aside so that validation can name them; NaN and
    Infinity, which Python's json module accepts, are refused.
    """
    text = _decode(data) if isinstance(data, bytes) else data
    try:
        return json.loads(
            text, object_pairs_hook=_object_from_pairs, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as error:
        detail = f"{error.msg} (line {error.lineno}, column {error.colno})"
        raise ContractError(f"input is not valid JSON: {detail}") from None
    except ContractError:
        raise
    except RecursionError:
        raise ContractError("input is nested too deeply") from None
    except ValueError as error:  # e.g. an integer with too many digits
        raise ContractError(f"input is not valid JSON: {error}") from None


def _decode(data: bytes) -> str:
    try:
        # A byte-order mark is tolerated: editors on Windows add one.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContractError("input is not valid UTF-8") from None


# --- paths and messages ---


def _field_path(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _printable(name: str) -> str:
    """Escape a lone surrogate in an unknown field's name, to print it in a path."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _quote(value: object) -> str:
    """Quote a value for a message, cut short so that a message stays readable.

    repr() also escapes what cannot be printed, a lone surrogate included.
    """
    value = str(value)
    if len(value) > _QUOTE_LIMIT:
        value = value[: _QUOTE_LIMIT - 3] + "..."
    return repr(value)


def _choices(enum: type[StrEnum]) -> str:
    return ", ".join(member.value for member in enum)


# --- field readers ---


def _object(value: object, path: str, allowed: Set[str]) -> dict[str, Any]:
    """Check that ``value`` is an object with only ``allowed`` keys, each once."""
    if not isinstance(value, dict):
        raise ContractError("expected an object", path or None)
    for key in value:
        if key not in allowed:
            key_path = _field_path(path, _printable(str(key)))
            raise ContractError(f"unknown field {_quote(key)}", key_path)
    for key in getattr(value, "duplicates", ()):
        raise ContractError(f"duplicate field {_quote(key)}", _field_path(path, key))
    return value


def _bool(value: object, path: str) -> bool:
    # bool is checked by type: JSON 1 and 0 are numbers, not answers.
    if type(value) is not bool:
        raise ContractError("expected a boolean", path)
    return value


def _optional_bool(value: object, path: str) -> bool | None:
    if value is not None and type(value) is not bool:
        raise ContractError("expected a boolean or null", path)
    return value


def _str(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise ContractError("expected a string", path)
    return _unicode(value, path)


def _optional_str(value: object, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ContractError("expected a string or null", path)
    return _unicode(value, path)


def _unicode(value: str, path: str) -> str:
    """Refuse a lone surrogate (a JSON escape like \\ud800): UTF-8 cannot carry it."""
    if _is_unicode(value):
        return value
    raise ContractError("invalid string: contains a lone surrogate", path)


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _enum(enum: type[_E]) -> Callable[[object, str], _E]:
    """Return a reader accepting exactly the values of ``enum``."""

    def read(value: object, path: str) -> _E:
        if not isinstance(value, str):
            raise ContractError(f"expected one of: {_choices(enum)}", path)
        try:
            return enum(value)
        except ValueError:
            message = f"unknown value {_quote(value)}; expected one of: "
            raise ContractError(message + _choices(enum), path) from None

    return read


_channel: Final = _enum(Channel)
_kind: Final = _enum(Kind)
_media: Final = _enum(Media)
_role: Final = _enum(ParticipantRole)


def _date(value: object, path: str) -> datetime.date:
    """Read a calendar date written YYYY-MM-DD, and nothing else ISO allows."""
    expected = "expected an ISO date (YYYY-MM-DD)"
    if not isinstance(value, str):
        raise ContractError(expected, path)
    if not _ISO_DATE.fullmatch(value):
        raise ContractError(f"invalid date {_quote(value)}; {expected}", path)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ContractError(
            f"invalid date {_quote(value)}: no such day", path
        ) from None


def _date_in_force(value: datetime.date, path: str) -> datetime.date:
    try:
        policy_for(value)
    except PolicyNotInForce as error:
        raise ContractError(str(error), path) from None
    return value


def _participants(value: object, path: str) -> tuple[ParticipantFacts, ...]:
    if not isinstance(value, list):
        raise ContractError("expected an array", path)
    participants = tuple(
        _participant(item, f"{path}[{index}]") for index, item in enumerate(value)
    )
    seen: set[str] = set()
    for index, participant in enumerate(participants):
        if participant.id in seen:
            message = f"duplicate participant id {_quote(participant.id)}"
            raise ContractError(message, f"{path}[{index}].id")
        seen.add(participant.id)
    return participants


def _participant(value: object, path: str) -> ParticipantFacts:
    fields = _object(value, path, _PARTICIPANT_FIELDS)
    read = _FieldReader(fields, path)
    return ParticipantFacts(
        id=read.required("id", _str),
        role=read.required("role", _role),
        consents=read.required("consents", _optional_bool),
    )


class _FieldReader:
    """Read the fields of one JSON object, each with its path for errors."""

    def __init__(self, fields: Mapping[str, Any], path: str) -> None:
        self._fields = fields
        self._path = path

    def path(self, name: str) -> str:
        return _field_path(self._path, name)

    def required(self, name: str, read: Callable[[object, str], _T]) -> _T:
        if name not in self._fields:
            raise ContractError(
                f"missing required field {_quote(name)}", self.path(name)
            )
        return read(self._fields[name], self.path(name))

    def optional(self, name: str, read: Callable[[object, str], _T], default: _T) -> _T:
        if name not in self._fields:
            return default
        return read(self._fields[name], self.path(name))


# --- requests ---


def parse_request(value: object, *, today: datetime.date, path: str = "") -> Request:
    """Turn one JSON request object into Facts and the id to echo back.

    ``path`` is the request's own place in the document (``"[3]"`` inside an
    array), put in front of every field path an error names.
    """
    read = _FieldReader(_object(value, path, _REQUEST_FIELDS), path)
    # An absent id means "no id"; an explicit null is a wrong type, like any other.
    request_id = read.optional("id", _str, None)
    date = read.optional("date", _date, today)
    facts = Facts(
        date=_date_in_force(date, read.path("date")),
        channel=read.required("channel", _channel),
        kind=read.optional("kind", _kind, Kind.REGULAR),
        client_wants_to_record=read.required("client_wants_to_record", _bool),
        media=read.optional("media", _media, Media.AUDIO),
        client_informed=read.optional("client_informed", _optional_bool, None),
        client_accepts_rules=read.optional(
            "client_accepts_rules", _optional_bool, None
        ),
        client_has_prior_violation=read.optional(
            "client_has_prior_violation", _bool, False
        ),
        participants=read.optional("participants", _participants, ()),
        uwv_records=read.optional("uwv_records", _bool, False),
        uwv_reason=read.optional("uwv_reason", _optional_str, None),
        participants_told_uwv_records=read.optional(
            "participants_told_uwv_records", _optional_bool, None
        ),
    )
    return Request(facts=facts, id=request_id)


def request_to_json(request: Request) -> dict[str, object]:
    """Write a request as the JSON object parse_request reads back to it."""
    facts = request.facts
    head: dict[str, object] = {} if request.id is None else {"id": request.id}
    return head | {
        "date": facts.date.isoformat(),
        "channel": facts.channel.value,
        "kind": facts.kind.value,
        "client_wants_to_record": facts.client_wants_to_record,
        "media": facts.media.value,
        "client_informed": facts.client_informed,
        "client_accepts_rules": facts.client_accepts_rules,
        "client_has_prior_violation": facts.client_has_prior_violation,
        "participants": [
            {"id": p.id, "role": p.role.value, "consents": p.consents}
            for p in facts.participants
        ],
        "uwv_records": facts.uwv_records,
        "uwv_reason": facts.uwv_reason,
        "participants_told_uwv_records": facts.participants_told_uwv_records,
    }


# --- decisions ---


def decision_to_json(
    decision: Ruling, *, request_id: str | None = None
) -> dict[str, object]:
    """Write a decision as the JSON object of the contract, ``id`` first if given."""
    head: dict[str, object] = {} if request_id is None else {"id": request_id}
    return head | {
        "policy_version": decision.policy_version,
        "outcome": decision.outcome.value,
        "reasons": [str(code) for code in decision.reasons],
        "missing": [str(code) for code in decision.missing],
        "conditions": [str(code) for code in decision.conditions],
        "uwv_recording": decision.uwv_recording.value,
        "uwv_missing": [str(code) for code in decision.uwv_missing],
    }


def evaluate_request(request: Request) -> dict[str, object]:
    """Decide one parsed request and write the decision as JSON."""
    return decision_to_json(evaluate(request.facts), request_id=request.id)


def evaluate_document(
    document: object, *, today: datetime.date
) -> dict[str, object] | list[dict[str, object]]:
    """Answer a whole document: an object with an object, an array with an array.

    Every request is checked before any is decided, so a bad element anywhere
    yields an error and no decisions at all.
    """
    if isinstance(document, dict):
        return evaluate_request(parse_request(document, today=today))
    if isinstance(document, list):
        requests = [
            parse_request(item, today=today, path=f"[{index}]")
            for index, item in enumerate(document)
        ]
        return [evaluate_request(request) for request in requests]
    raise ContractError("expected a request object or an array of request objects")
