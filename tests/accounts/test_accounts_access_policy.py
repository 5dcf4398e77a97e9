"""accounts' access policy: who may act at all, enter the admin, manage accounts."""

from __future__ import annotations

import pytest

from accounts import access
from accounts.roles import Role
from tests.personas import ACTIVE, Row, ask, policy_table, public_functions

pytestmark = pytest.mark.django_db

ROWS = [
    Row("may_act", access.may_act, ACTIVE),
    Row(
        "holds(team lead)",
        lambda user: access.holds(user, Role.TEAM_LEAD),
        frozenset({"team_lead", "team_lead_other_team", "team_lead_no_team"}),
    ),
    Row("may_enter_admin", access.may_enter_admin, frozenset({"admin"})),
    # Nobody in the world is the break-glass superuser with staff status: the one
    # without it may not enter the admin site, so it may not use its powers there.
    Row("may_manage_privileges", access.may_manage_privileges, frozenset()),
    Row(
        "may_change_account(employee)",
        access.may_change_account,
        frozenset({"admin"}),
        obj=lambda w: w.a.employee,
    ),
    Row(
        "may_change_account(admin)",
        access.may_change_account,
        frozenset(),
        obj=lambda w: w.admin,
    ),
    Row("may_lift_lockout", access.may_lift_lockout, frozenset({"admin", "superuser"})),
]


@policy_table(ROWS)
def test_who_may_what(people, row, persona):
    assert ask(row, people, persona) is (persona in row.allowed)


def test_the_table_asks_every_predicate():
    asked = {row.predicate.__name__ for row in ROWS} - {"<lambda>"} | {"holds"}
    assert public_functions(access) == asked


def test_a_superuser_with_staff_status_manages_privileged_accounts(people):
    people["superuser"].is_staff = True
    try:
        assert access.may_enter_admin(people["superuser"])
        assert access.may_manage_privileges(people["superuser"])
        assert access.may_change_account(people["superuser"], people.world.admin)
    finally:
        people["superuser"].is_staff = False


def test_an_admin_may_not_change_an_account_being_made_superuser(people):
    account = people["no_team"]
    account.is_superuser = True
    try:
        assert not access.may_change_account(people["admin"], account)
    finally:
        account.is_superuser = False
