"""rules' access policy: everyone at work reads the rules; the admin role publishes."""

from __future__ import annotations

import pytest

from rules import access
from tests.personas import ACTIVE, Row, ask, policy_table, public_functions

pytestmark = pytest.mark.django_db

ROWS = [
    Row("may_read_rules", access.may_read_rules, ACTIVE),
    Row(
        "may_publish_rule_text",
        access.may_publish_rule_text,
        frozenset({"admin", "superuser"}),
    ),
]


@policy_table(ROWS)
def test_who_may_what(people, row, persona):
    assert ask(row, people, persona) is (persona in row.allowed)


def test_the_table_asks_every_predicate():
    assert public_functions(access) == {row.predicate.__name__ for row in ROWS}
