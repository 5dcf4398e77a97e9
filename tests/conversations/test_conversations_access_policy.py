"""conversations' access policy: team members see their team's; employees run."""

from __future__ import annotations

import pytest

from conversations import access
from conversations.models import Conversation
from tests.personas import (
    PERSONAS,
    TEAM_MEMBERS,
    People,
    Row,
    ask,
    policy_table,
    public_functions,
)

pytestmark = pytest.mark.django_db

EMPLOYEES = frozenset({"employee", "employee_other_team"})
ROWS = [
    Row("may_view_conversations", access.may_view_conversations, TEAM_MEMBERS),
    Row("may_run_checklist", access.may_run_checklist, EMPLOYEES),
    Row(
        "may_run_checklist(team A's)",
        access.may_run_checklist,
        frozenset({"employee"}),
        obj=lambda w: w.a.open,
    ),
]


@policy_table(ROWS)
def test_who_may_what(people, row, persona):
    assert ask(row, people, persona) is (persona in row.allowed)


def test_the_table_asks_every_predicate():
    visible = {"conversations_visible_to"}
    assert public_functions(access) == {r.predicate.__name__ for r in ROWS} | visible


def teams_of(people: People, conversations) -> set[str]:
    names = {people.world.a.team.pk: "A", people.world.b.team.pk: "B"}
    return {names[c.team_id] for c in conversations}


SEES = {
    "employee": {"A"},
    "team_lead": {"A"},
    "employee_other_team": {"B"},
    "team_lead_other_team": {"B"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_conversations_visible_to(people, persona):
    shown = access.conversations_visible_to(people[persona])
    assert teams_of(people, shown) == SEES.get(persona, set())
    if persona in SEES:
        team = people[persona].team_id
        assert shown.count() == Conversation.objects.filter(team_id=team).count()
