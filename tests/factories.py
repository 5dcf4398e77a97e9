"""The tests' factories: teams, users by role, clients and conversations."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from stdnum.nl import bsn as stdnum_bsn

from accounts.models import Team, User
from accounts.roles import Role
from conversations.bsn import bsn_encrypt, bsn_hash
from conversations.models import Client, Conversation


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    division = Team.Division.CLIENT_SERVICE
    office = "Amsterdam"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member; pick the role with a trait: ``UserFactory(team_lead=True)``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    employee_number = factory.Sequence(lambda n: f"{200000 + n}")
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password("correct-horse-battery")
    role = Role.EMPLOYEE

    class Params:
        team_lead = factory.Trait(role=Role.TEAM_LEAD)
        auditor = factory.Trait(role=Role.AUDITOR, team=None)
        admin = factory.Trait(role=Role.ADMIN, team=None, is_staff=True)

    @classmethod
    def _create(cls, model_class, *args, role, **kwargs):  # type: ignore[no-untyped-def]
        user = super()._create(model_class, *args, **kwargs)
        user.groups.set([Group.objects.get(name=role.value)])
        return user


_numbers = itertools.count(10_000_000)


def valid_bsn() -> str:
    """Return a fresh nine-digit number that passes the eleven-test."""
    while not stdnum_bsn.is_valid(number := f"1{next(_numbers):08d}"):
        pass
    return number


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    class Params:
        bsn = factory.LazyFunction(valid_bsn)

    display_name = factory.Sequence(lambda n: f"Klant {n}")
    bsn_encrypted = factory.LazyAttribute(lambda o: bsn_encrypt(o.bsn))
    bsn_hash = factory.LazyAttribute(lambda o: bsn_hash(o.bsn))


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    client = factory.SubFactory(ClientFactory)
    employee = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda o: o.employee.team)
    channel = "face_to_face"
    kind = "regular"
    scheduled_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    )
    place = "Amsterdam, kamer 3.12"
