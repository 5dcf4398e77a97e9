"""audit's access policy: who reviews the trail, how much of it, who verifies."""

from __future__ import annotations

import pytest

from accounts.models import User
from audit import access
from audit.models import AuditEvent, ExportJob, VerificationJob
from conversations.models import Client, Conversation
from tests.personas import PERSONAS, People, Row, ask, policy_table, public_functions

pytestmark = pytest.mark.django_db

WHOLE = frozenset({"auditor", "superuser"})  # the superuser holds every permission
REVIEWERS = WHOLE | {"team_lead", "team_lead_other_team", "team_lead_no_team"}
ROWS = [
    Row("may_see_whole_trail", access.may_see_whole_trail, WHOLE),
    Row("may_review_trail", access.may_review_trail, REVIEWERS),
    Row("may_export_trail", access.may_export_trail, REVIEWERS),
    Row("may_run_verification", access.may_run_verification, WHOLE),
]


@policy_table(ROWS)
def test_who_may_what(people, row, persona):
    assert ask(row, people, persona) is (persona in row.allowed)


def test_the_table_asks_every_predicate():
    visible = {
        name for name in public_functions(access) if name.endswith("_visible_to")
    }
    assert len(visible) == 6
    assert public_functions(access) - visible == {r.predicate.__name__ for r in ROWS}


# What each persona gets back: "all" (every row there is), a team's ("A", "B"),
# "own" (the ones they asked for), or nothing.
TEAM_SCOPE = {
    "auditor": "all",
    "superuser": "all",
    "team_lead": "A",
    "team_lead_other_team": "B",
}


def _team(people: People, label: str) -> int:
    return {"A": people.world.a.team.pk, "B": people.world.b.team.pk}[label]


def _expected(people: People, persona: str, every, of_team):
    scope = TEAM_SCOPE.get(persona)
    if scope is None:
        return set()
    if scope == "all":
        return set(every.values_list("pk", flat=True))
    return set(of_team(_team(people, scope)).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_events_visible_to(people, persona):
    shown = access.events_visible_to(people[persona])
    expected = _expected(
        people,
        persona,
        AuditEvent.objects.all(),
        lambda team: AuditEvent.objects.filter(team_id=team),
    )
    assert set(shown.values_list("pk", flat=True)) == expected
    if persona in TEAM_SCOPE:
        assert expected  # the world has events of both teams


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_visible_to(people, persona):
    shown = access.staff_visible_to(people[persona])
    expected = _expected(
        people,
        persona,
        User.objects.all(),
        lambda team: User.objects.filter(team_id=team),
    )
    assert set(shown.values_list("pk", flat=True)) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_trail_conversations_visible_to(people, persona):
    shown = access.trail_conversations_visible_to(people[persona])
    expected = _expected(
        people,
        persona,
        Conversation.objects.all(),
        lambda team: Conversation.objects.filter(team_id=team),
    )
    assert set(shown.values_list("pk", flat=True)) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_trail_clients_visible_to(people, persona):
    shown = access.trail_clients_visible_to(people[persona])
    expected = _expected(
        people,
        persona,
        Client.objects.all(),
        lambda team: Client.objects.filter(conversations__team_id=team).distinct(),
    )
    assert set(shown.values_list("pk", flat=True)) == expected
    if persona == "team_lead":
        assert people.world.a.open.client_id in expected
        assert people.world.b.open.client_id not in expected


EXPORTS = {
    "auditor": {"A", "B"},
    "superuser": {"A", "B"},
    "team_lead": {"A"},  # their own: team A's lead asked for team A's export
    "team_lead_other_team": {"B"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_jobs_visible_to(people, persona):
    world = people.world
    jobs = {world.a.export_job.pk: "A", world.b.export_job.pk: "B"}
    shown = access.export_jobs_visible_to(people[persona])
    assert {jobs[job.pk] for job in shown if job.pk in jobs} == EXPORTS.get(
        persona, set()
    )
    if persona not in TEAM_SCOPE:
        assert not shown.exists()
    if persona in ("auditor", "superuser"):
        assert shown.count() == ExportJob.objects.count()


@pytest.mark.parametrize("persona", PERSONAS)
def test_verification_jobs_visible_to(people, persona):
    shown = access.verification_jobs_visible_to(people[persona])
    if persona in WHOLE:
        assert set(shown) == set(VerificationJob.objects.all())
        assert people.world.verification_job in shown
    else:
        assert not shown.exists()
