"""docs/policy.md says what the engine does: its contract table, roles and reasons."""

import re
from pathlib import Path

from rules.engine.contract import _REQUEST_FIELDS
from rules.engine.model import ParticipantRole, Reason

POLICY = (Path(__file__).parents[2] / "docs" / "policy.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """Return the text under ``title`` up to the next heading of its level."""
    start = POLICY.index(title)
    end = POLICY.find("\n## ", start + len(title))
    return POLICY[start : end if end != -1 else None]


def test_the_contract_table_lists_exactly_the_fields_the_engine_reads():
    table = _section("Request fields")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))
    assert documented == set(_REQUEST_FIELDS)


def test_the_roles_documented_are_the_engines():
    line = next(ln for ln in POLICY.splitlines() if ln.startswith("ROLE is one of"))
    nxt = POLICY.splitlines()[POLICY.splitlines().index(line) + 1]
    documented = set(re.findall(r"`([a-z_]+)`", line + nxt))
    assert documented == {role.value for role in ParticipantRole}


def test_every_blocking_reason_is_documented_in_order():
    decision = _section("## The decision")
    found = re.findall(r"^   - `([A-Z_]+)` \(R\d\)", decision, flags=re.MULTILINE)
    assert found == [reason.value for reason in Reason]
