"""Every example request in docs/policy-examples.json gives exactly its decision."""

import datetime
import json
from pathlib import Path

import pytest

from rules.engine.contract import evaluate_document

EXAMPLES_FILE = Path(__file__).parents[2] / "docs" / "policy-examples.json"
EXAMPLES = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
# Every example names its date; a default "today" must not be what decides them.
TODAY = datetime.date(2099, 1, 1)


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[example["request"]["id"] for example in EXAMPLES]
)
def test_example_gives_its_decision(example):
    decision = evaluate_document(example["request"], today=TODAY)

    assert decision == example["decision"]
    assert list(decision) == list(example["decision"])  # field order, id first


def test_examples_as_one_array_give_their_decisions_in_order():
    decisions = evaluate_document([e["request"] for e in EXAMPLES], today=TODAY)

    assert decisions == [example["decision"] for example in EXAMPLES]


def test_examples_file_covers_every_outcome():
    outcomes = {example["decision"]["outcome"] for example in EXAMPLES}

    assert outcomes == {"not_requested", "not_allowed", "incomplete", "allowed"}
