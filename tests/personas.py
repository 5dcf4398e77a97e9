"""Every kind of user the access policies tell apart, for the tables of who may what.

The personas of the URL table (``tests/world.py``) and four more that sit on an
edge of some rule: a superuser without staff status (the break-glass account, no
team, no role), an inactive team lead of team A, an employee without a team and a
team lead without a team. ``policy_table`` turns one app's table into the
parameters of one test: every predicate as every persona.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from tests.factories import UserFactory
from tests.world import PERSONAS as WORLD_PERSONAS
from tests.world import World

# The URL table's personas (tests.world), and those only an access policy meets.
PERSONAS = (*WORLD_PERSONAS, "superuser", "inactive", "no_team", "team_lead_no_team")
EVERYONE = frozenset(PERSONAS)
ACTIVE = EVERYONE - {"anonymous", "inactive"}
TEAM_MEMBERS = frozenset(
    {"employee", "employee_other_team", "team_lead", "team_lead_other_team"}
)


@dataclass(frozen=True)
class People:
    """The users of the personas, with the world they work in."""

    world: World
    users: dict[str, Any]

    def __getitem__(self, persona: str) -> Any:
        return self.users[persona]


def people_of(world: World) -> People:
    """Make the four edge personas beside the world's; return them all."""
    superuser = User.objects.create_user(
        username="noodaccount", password=None, is_superuser=True
    )
    users: dict[str, Any] = {
        persona: world.user(persona) for persona in PERSONAS if persona in _WORLD
    }
    users["anonymous"] = AnonymousUser()
    users["superuser"] = superuser
    users["inactive"] = UserFactory(team_lead=True, team=world.a.team, is_active=False)
    users["no_team"] = UserFactory(team=None)
    users["team_lead_no_team"] = UserFactory(team_lead=True, team=None)
    return People(world=world, users=users)


_WORLD = (
    "employee",
    "employee_other_team",
    "team_lead",
    "team_lead_other_team",
    "auditor",
    "admin",
)


@dataclass(frozen=True)
class Row:
    """One predicate with its object, and the personas it lets through."""

    label: str
    predicate: Callable[..., bool]
    allowed: frozenset[str]
    obj: Callable[[World], Any] | None = None


def policy_table(rows: list[Row]) -> Any:
    """Return the parameters of a test that asks every row as every persona."""
    return pytest.mark.parametrize(
        ("row", "persona"),
        [
            pytest.param(row, persona, id=f"{row.label}-{persona}")
            for row in rows
            for persona in PERSONAS
        ],
    )


def ask(row: Row, people: People, persona: str) -> bool:
    """Return the row's predicate's answer for ``persona``."""
    args = () if row.obj is None else (row.obj(people.world),)
    return row.predicate(people[persona], *args)


def public_functions(module: Any) -> set[str]:
    """Return the names of the functions ``module`` defines for others to call."""
    return {
        name
        for name, value in vars(module).items()
        if callable(value)
        and getattr(value, "__module__", None) == module.__name__
        and not name.startswith("_")
        and not isinstance(value, type)
    }
