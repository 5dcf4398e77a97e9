from django.contrib.auth.models import Group

from accounts.roles import Role


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
