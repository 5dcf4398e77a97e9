"""Demo teams and one user per role, for ``make run``; never in production."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Team, User
from accounts.roles import Role

DEMO_PASSWORD = "uwvrec-demo-2026"  # noqa: S105 - published demo login, dev only


@dataclass(frozen=True)
class DemoUser:
    """A demo login."""

    username: str
    first_name: str
    last_name: str
    employee_number: str
    role: Role
    team: str | None


DEMO_TEAMS = (
    ("Team Amsterdam Klant & Service 1", Team.Division.CLIENT_SERVICE, "Amsterdam"),
    ("Team Utrecht SMZ 3", Team.Division.SOCIAL_MEDICAL, "Utrecht"),
)

DEMO_USERS = (
    DemoUser(
        "medewerker", "Sanne", "de Vries", "100001", Role.EMPLOYEE, DEMO_TEAMS[0][0]
    ),
    DemoUser(
        "teamleider", "Ahmed", "El Amrani", "100002", Role.TEAM_LEAD, DEMO_TEAMS[0][0]
    ),
    DemoUser(
        "medewerker2", "Pieter", "Bakker", "100003", Role.EMPLOYEE, DEMO_TEAMS[1][0]
    ),
    DemoUser("auditor", "Marieke", "Jansen", "100004", Role.AUDITOR, None),
    DemoUser("beheerder", "Kees", "Visser", "100005", Role.ADMIN, None),
)


def demo_data_load() -> list[DemoUser]:
    """Create or update the demo teams and users; running it twice changes nothing."""
    with transaction.atomic():
        teams = {
            name: Team.objects.update_or_create(
                name=name, defaults={"division": division, "office": office}
            )[0]
            for name, division, office in DEMO_TEAMS
        }
        for demo in DEMO_USERS:
            _demo_user_save(demo, teams)
    return list(DEMO_USERS)


def _demo_user_save(demo: DemoUser, teams: dict[str, Team]) -> None:
    user, created = User.objects.update_or_create(
        username=demo.username,
        defaults={
            "first_name": demo.first_name,
            "last_name": demo.last_name,
            "employee_number": demo.employee_number,
            "team": teams[demo.team] if demo.team else None,
            "is_staff": demo.role == Role.ADMIN,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.set([Group.objects.get(name=demo.role.value)])
