"""privacy's access policy: who reads the schedule, manages holds, erases clients."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from privacy import access
from tests.personas import PERSONAS, Row, ask, policy_table, public_functions

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def may_request_lift(user, hold):
    return access.may_request_lift(user, hold, _today())


def may_agree_to_lift(user, hold):
    return access.may_agree_to_lift(user, hold, _today())


AUDITOR = frozenset({"auditor"})
NOBODY: frozenset[str] = frozenset()
ROWS = [
    Row("may_view_schedule", access.may_view_schedule, frozenset({"auditor", "admin"})),
    Row("may_manage_holds", access.may_manage_holds, AUDITOR),
    Row("may_request_lift(standing)", may_request_lift, AUDITOR, obj=lambda w: w.hold),
    # Its lifting was asked by another auditor than the world's.
    Row(
        "may_request_lift(asked)", may_request_lift, NOBODY, obj=lambda w: w.hold_asked
    ),
    Row(
        "may_agree_to_lift(asked)",
        may_agree_to_lift,
        AUDITOR,
        obj=lambda w: w.hold_asked,
    ),
    Row("may_agree_to_lift(standing)", may_agree_to_lift, NOBODY, obj=lambda w: w.hold),
    Row(
        "may_handle_erasures",
        access.may_handle_erasures,
        frozenset({"team_lead", "team_lead_other_team", "auditor"}),
    ),
    # The auditor asked to erase team A's client: only team A's lead decides.
    Row(
        "may_decide_erasure(asked by the auditor)",
        access.may_decide_erasure,
        frozenset({"team_lead"}),
        obj=lambda w: w.erasure,
    ),
]


@policy_table(ROWS)
def test_who_may_what(people, row, persona):
    assert ask(row, people, persona) is (persona in row.allowed)


def test_the_table_asks_every_predicate():
    helpers = {"hold_standing", "standing_on", "asked_to_lift_themselves"}
    helpers |= {"erasure_role", "erasure_approving_role", "asked_to_erase_themselves"}
    helpers |= {"client_in_team"}
    asked = {"may_view_schedule", "may_manage_holds", "may_request_lift"}
    asked |= {"may_agree_to_lift", "holds_visible_to", "access_exports_visible_to"}
    asked |= {"may_handle_erasures", "may_decide_erasure", "erasures_visible_to"}
    assert public_functions(access) == asked | helpers


def test_four_eyes_who_asked_does_not_agree(people):
    asked = people.world.hold_asked
    asker = asked.lift_requested_by
    assert access.asked_to_lift_themselves(asker, asked)
    assert not access.may_agree_to_lift(asker, asked, _today())
    assert access.may_agree_to_lift(people["auditor"], asked, _today())


@pytest.mark.parametrize("persona", PERSONAS)
def test_holds_visible_to(people, persona):
    shown = set(access.holds_visible_to(people[persona]))
    world = people.world
    if persona == "auditor":
        assert {world.hold, world.hold_asked} <= shown
    else:
        assert shown == set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_exports_visible_to_the_auditor_who_asked_only(people, persona):
    shown = set(access.access_exports_visible_to(people[persona]))
    world = people.world
    assert shown == ({world.access_export} if persona == "auditor" else set())
    # Another auditor sees none of it: an export is its requester's alone.
    assert not access.access_exports_visible_to(world.auditor_without_app).exists()


def test_a_hold_stands_through_its_last_day_and_not_after(people):
    hold = people.world.hold
    hold.until = _today()
    assert access.hold_standing(hold, _today())
    assert not access.hold_standing(hold, _today() + dt.timedelta(days=1))


@pytest.mark.parametrize("persona", PERSONAS)
def test_erasures_visible_to(people, persona):
    shown = set(access.erasures_visible_to(people[persona]))
    # Auditors see every request; team A's lead this one, about the team's client.
    assert (people.world.erasure in shown) is (persona in {"auditor", "team_lead"})


def test_four_eyes_of_two_roles_on_erasure(people):
    erasure = people.world.erasure
    asker = erasure.requested_by
    assert access.asked_to_erase_themselves(asker, erasure)
    assert access.erasure_approving_role(erasure) == "team_lead"
    assert not access.may_decide_erasure(asker, erasure)
    assert not access.may_decide_erasure(people["auditor"], erasure)
    assert access.may_decide_erasure(people["team_lead"], erasure)
    assert not access.may_decide_erasure(people["team_lead_other_team"], erasure)
