"""violations' access policy: who reports, reads, decides (four eyes) and writes."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.personas import (
    PERSONAS,
    TEAM_MEMBERS,
    People,
    Row,
    ask,
    policy_table,
    public_functions,
)
from violations import access
from violations.models import Notification, ReportStatus, ViolationReport

pytestmark = pytest.mark.django_db

LEADS = frozenset({"team_lead", "team_lead_other_team"})
LEAD_A = frozenset({"team_lead"})
NOBODY: frozenset[str] = frozenset()
ROWS = [
    Row(
        "may_report(team A's)",
        access.may_report,
        frozenset({"employee"}),
        obj=lambda w: w.a.decided,
    ),
    Row("may_read_all_reports", access.may_read_all_reports, frozenset({"auditor"})),
    Row("may_decide_reports", access.may_decide_reports, LEADS),
    Row("may_read_reports", access.may_read_reports, LEADS | {"auditor"}),
    Row(
        "may_handle_report(team A's)",
        access.may_handle_report,
        LEAD_A,
        obj=lambda w: w.a.reported,
    ),
    Row(
        "filed_it_themselves(team A's)",
        access.filed_it_themselves,
        frozenset({"employee"}),
        obj=lambda w: w.a.reported,
    ),
    Row("may_decide(open)", access.may_decide, LEAD_A, obj=lambda w: w.a.reported),
    Row(
        "may_decide(confirmed)", access.may_decide, NOBODY, obj=lambda w: w.a.confirmed
    ),
    Row(
        "may_withdraw(confirmed)",
        access.may_withdraw,
        LEAD_A,
        obj=lambda w: w.a.confirmed,
    ),
    Row("may_withdraw(open)", access.may_withdraw, NOBODY, obj=lambda w: w.a.reported),
    Row(
        "may_print_letter(confirmed)",
        access.may_print_letter,
        LEAD_A,
        obj=lambda w: w.a.confirmed,
    ),
    Row(
        "may_print_letter(open)",
        access.may_print_letter,
        NOBODY,
        obj=lambda w: w.a.reported,
    ),
    Row("may_receive_notifications", access.may_receive_notifications, TEAM_MEMBERS),
]


@policy_table(ROWS)
def test_who_may_what(people, row, persona):
    assert ask(row, people, persona) is (persona in row.allowed)


def test_the_table_asks_every_predicate():
    visible = {"reports_visible_to", "notifications_visible_to"}
    assert public_functions(access) == {r.predicate.__name__ for r in ROWS} | visible


def test_four_eyes_a_team_lead_does_not_decide_on_a_report_they_filed(people):
    world = people.world
    filer = UserFactory(team_lead=True, team=world.a.team)
    other = world.a.team_lead
    filed = ViolationReport(
        team=world.a.team, reported_by=filer, status=ReportStatus.REPORTED
    )
    assert access.filed_it_themselves(filer, filed)
    assert not access.may_decide(filer, filed)
    assert access.may_decide(other, filed)
    # Four eyes concern deciding: the filer still handles the team's reports.
    assert access.may_handle_report(filer, filed)


def teams_of(people: People, reports) -> set[str]:
    names = {people.world.a.team.pk: "A", people.world.b.team.pk: "B"}
    return {names[report.team_id] for report in reports}


SEES = {"team_lead": {"A"}, "team_lead_other_team": {"B"}, "auditor": {"A", "B"}}


@pytest.mark.parametrize("persona", PERSONAS)
def test_reports_visible_to(people, persona):
    shown = access.reports_visible_to(people[persona])
    assert teams_of(people, shown) == SEES.get(persona, set())
    if persona in SEES:
        assert shown.count() == len(SEES[persona]) * 2  # one open, one confirmed


@pytest.mark.parametrize("persona", PERSONAS)
def test_notifications_visible_to(people, persona):
    user = people[persona]
    if persona == "inactive":
        Notification.objects.create(
            recipient=user,
            kind=Notification.Kind.REPORTED,
            report=people.world.a.reported,
        )
    shown = list(access.notifications_visible_to(user))
    if persona in ("anonymous", "inactive"):
        assert shown == []
    else:
        own = Notification.objects.filter(recipient=user)
        assert {n.pk for n in shown} == set(own.values_list("pk", flat=True))
        assert all(n.recipient_id == user.pk for n in shown)
    if persona == "team_lead":
        assert shown  # the world's team lead has a message: it is there
