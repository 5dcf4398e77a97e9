"""Demo teams and one user per role, for ``make run``; never in production.

The demo team lead, auditor and admin get an authenticator app (a TOTP device
with a secret of this database's own, never published): ``manage.py
demo_otp_code <username>`` prints its current code, so the demo needs no phone.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import PRIVILEGED_ROLES
from accounts.models import Team, User
from accounts.roles import Role
from accounts.services.second_factor import APP_NAME

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
    if demo.role in PRIVILEGED_ROLES:
        _demo_app(user)


def _demo_app(user: User) -> None:
    """Give ``user`` an authenticator app, unless they have one (theirs stays)."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=True)


def demo_app_of(username: str) -> TOTPDevice | None:
    """Return the authenticator app of the demo user ``username``, if any."""
    if username not in {demo.username for demo in DEMO_USERS}:
        return None
    found: TOTPDevice | None = (
        TOTPDevice.objects.filter(user__username=username, confirmed=True)
        .order_by("pk")
        .first()
    )
    return found


def demo_code(device: TOTPDevice, now: float) -> str | None:
    """Return a code ``device`` accepts at ``now`` (Unix time), as the app shows it.

    The current time step's code, or the next step's when the current one was
    used already (django-otp accepts each step once, and one step ahead); None
    when both were used: a new code comes with the next step.
    """
    current = (int(now) - device.t0) // device.step + device.drift
    for step in (current, current + 1):
        if step > device.last_t:
            return (
                f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
            )
    return None
