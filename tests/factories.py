import factory
from django.contrib.auth.models import Group

from accounts.models import Team, User
from accounts.roles import Role


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
