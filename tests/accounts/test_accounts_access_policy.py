"""accounts' access policy: who may act at all, enter the admin, manage accounts."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group

from accounts import access
from accounts.roles import Role
from tests.personas import ACTIVE, PERSONAS, Row, ask, policy_table, public_functions

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
    # The privileged roles, and the superuser, pass a second factor; employees not.
    Row(
        "needs_second_factor",
        access.needs_second_factor,
        frozenset(
            {
                "team_lead",
                "team_lead_other_team",
                "team_lead_no_team",
                "auditor",
                "admin",
                "superuser",
            }
        ),
    ),
    # Their own; another's only who may change that account, in the admin site.
    Row(
        "may_remove_device(team lead's)",
        access.may_remove_device,
        frozenset({"team_lead", "admin"}),
        obj=lambda w: w.a.team_lead,
    ),
    Row(
        "may_remove_device(admin's)",
        access.may_remove_device,
        frozenset({"admin"}),
        obj=lambda w: w.admin,
    ),
]


@policy_table(ROWS)
def test_who_may_what(people, row, persona):
    assert ask(row, people, persona) is (persona in row.allowed)


def test_the_table_asks_every_predicate():
    asked = {row.predicate.__name__ for row in ROWS} - {"<lambda>"} | {"holds"}
    assert public_functions(access) == asked | {"groups_grantable_by"}


@contextmanager
def with_staff_status(user):
    """Give the break-glass superuser staff status for the block (in memory)."""
    user.is_staff = True
    try:
        yield user
    finally:
        user.is_staff = False


@pytest.mark.parametrize("persona", PERSONAS)
def test_groups_grantable_by(people, persona):
    if persona == "superuser":
        with with_staff_status(people[persona]) as user:
            granted = access.groups_grantable_by(user)
            names = set(granted.values_list("name", flat=True))
        assert names == set(Group.objects.values_list("name", flat=True))
        assert Role.ADMIN.value in names
        return
    names = set(
        access.groups_grantable_by(people[persona]).values_list("name", flat=True)
    )
    if persona == "admin":
        assert names == set(Role.values) - {Role.ADMIN.value}
    else:
        assert names == set()


def test_a_superuser_with_staff_status_manages_privileged_accounts(people):
    with with_staff_status(people["superuser"]) as superuser:
        assert access.may_enter_admin(superuser)
        assert access.may_manage_privileges(superuser)
        assert access.may_change_account(superuser, people.world.admin)


def test_an_admin_may_not_change_an_account_being_made_superuser(people):
    account = people["no_team"]
    account.is_superuser = True
    try:
        assert not access.may_change_account(people["admin"], account)
    finally:
        account.is_superuser = False
