import re

from audit.catalogue import Action
from tests.conftest import BASE_DIR


def test_every_action_is_documented_and_nothing_else():
    text = (BASE_DIR / "docs" / "audit-events.md").read_text()
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", text, re.MULTILINE))
    assert documented == {action.value for action in Action}


def test_actions_are_namespaced_and_past_tense():
    for action in Action:
        namespace, _, verb = action.value.partition(".")
        assert namespace, action
        assert verb.split("_")[-1].endswith(("ed", "in", "out")), action
