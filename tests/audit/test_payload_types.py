"""docs/audit-events.md names the fields that audit/payloads.py types, per action."""

import re
from pathlib import Path

from audit.catalogue import Action
from audit.payloads import BINDINGS

DOC = (Path(__file__).parents[2] / "docs" / "audit-events.md").read_text(
    encoding="utf-8"
)
_ROW = re.compile(r"^\| `([a-z_.]+)` \| (.+?) \| (.+?) \| `(\w+)` \| (.+?) \|$", re.M)


def _table() -> dict[str, tuple[str, str, str, str]]:
    section = DOC[DOC.index("## Payload types") :]
    return {row[0]: row[1:] for row in _ROW.findall(section)}


def _fields(cell: str) -> tuple[set[str], set[str]]:
    """Return the required and the optional (marked ``?``) fields of a cell."""
    names = re.findall(r"`(\w+)`(\?)?", cell)
    return {n for n, mark in names if not mark}, {n for n, mark in names if mark}


def _typed(payload) -> tuple[set[str], set[str]]:
    if payload is None:
        return set(), set()
    return set(payload.__required_keys__), set(payload.__optional_keys__)


def test_every_action_has_a_binding_and_a_row():
    assert set(BINDINGS) == set(Action)
    assert set(_table()) == {action.value for action in Action}


def test_the_table_names_each_actions_payload_type_and_fields():
    for action, (name, fields, refusal, refusal_fields) in _table().items():
        binding = BINDINGS[Action(action)]
        payload = binding.payload
        assert name == (f"`{payload.__name__}`" if payload else "—"), action
        assert _fields(fields) == _typed(payload), action
        assert refusal == binding.refusal.__name__, action
        assert _fields(refusal_fields) == _typed(binding.refusal), action


def test_a_field_the_payload_lacks_is_not_documented_as_its_own():
    # The table is read as the test reads it: a wrong field is caught.
    required, optional = _fields("`model`, `count`?, `page`?")
    assert (required, optional) == ({"model"}, {"count", "page"})
    assert _fields("`model`, `count`?") != _typed(BINDINGS[Action.ADMIN_VIEWED].payload)
