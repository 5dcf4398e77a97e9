from django.contrib.auth.models import Group

from accounts.backends import StaffBackend
from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory


def test_each_role_is_a_group_made_by_migration(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_only_the_admin_role_may_change_users_and_teams(db):
    may_change = {
        group.name
        for group in Group.objects.filter(permissions__codename="change_user")
    }
    assert may_change == {"admin"}
    assert (
        Group.objects.get(name="admin")
        .permissions.filter(codename="change_team")
        .exists()
    )


def test_employees_hold_no_model_permission(db):
    assert not Group.objects.get(name="employee").permissions.exists()


def test_user_roles_come_from_groups(employee, team_lead, auditor, admin_user):
    assert employee.roles == {Role.EMPLOYEE}
    assert team_lead.roles == {Role.TEAM_LEAD}
    assert auditor.roles == {Role.AUDITOR}
    assert admin_user.has_role(Role.ADMIN)
    assert not admin_user.has_role(Role.EMPLOYEE)


def test_a_role_taken_away_holds_no_more_from_the_next_request(client, employee):
    conversations = "/gesprekken/"
    client.force_login(employee)
    assert client.get(conversations).status_code == 200
    employee.groups.clear()
    assert client.get(conversations).status_code == 403


def test_a_request_loads_the_user_with_team_and_roles_in_one_query(
    team_lead, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(team_lead.pk)
        assert user.roles == {Role.TEAM_LEAD}
        assert user.team.name == team_lead.team.name


def test_a_user_without_groups_has_no_roles(db):
    user = UserFactory()
    user.groups.clear()
    assert StaffBackend().get_user(user.pk).roles == frozenset()


def test_a_deactivated_user_is_logged_out(client, employee):
    client.force_login(employee)
    User.objects.filter(pk=employee.pk).update(is_active=False)
    response = client.get("/gesprekken/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


def test_the_request_user_brings_the_same_permissions_as_djangos_backend(
    team_lead, django_assert_num_queries
):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    team_lead.user_permissions.add(
        Permission.objects.get(codename="view_all_auditevents")
    )
    expected = ModelBackend().get_all_permissions(User.objects.get(pk=team_lead.pk))
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(team_lead.pk)
        assert user.get_all_permissions() == expected
        assert user.has_perm("audit.view_all_auditevents")
    assert "audit.view_all_auditevents" in expected
