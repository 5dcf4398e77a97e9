"""The admin role manages teams and roles, and cannot make itself (or anyone) more."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEvent
from tests.factories import ConversationFactory, UserFactory

PASSWORD = "correct-horse-battery"

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(admin=True, is_superuser=True)


def _logs_in(username, password):
    """Return whether the login page lets ``username`` in with ``password``."""
    response = Client().post(
        reverse("accounts:login"), {"username": username, "password": password}
    )
    return response.status_code == 302


def _change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def _form(user, **overrides):
    """The change form's fields as the browser posts them, plus ``overrides``."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "employee_number": user.employee_number or "",
        "team": user.team_id or "",
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        # Read-only now; Django's own form asked for them.
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": user.date_joined.time().strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def _forbidden_fields():
    every = Permission.objects.get(codename="view_all_auditevents")
    return {
        "is_superuser": "on",
        "user_permissions": [
            every.pk,
            Permission.objects.get(codename="change_group").pk,
        ],
        "password": "pbkdf2_sha256$1$salt$forged",
        "password1": "Nieuw-wachtwoord-2026",
        "password2": "Nieuw-wachtwoord-2026",
        "usable_password": "true",
    }


def test_an_admin_posting_superuser_permissions_and_a_password_changes_none(
    client, admin_user, employee
):
    old_hash = employee.password
    client.force_login(admin_user)

    response = client.post(
        _change_url(employee), _form(employee, first_name="Anna", **_forbidden_fields())
    )

    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.first_name == "Anna"  # the allowed change was saved
    assert not employee.is_superuser
    assert not employee.user_permissions.exists()
    assert employee.password == old_hash
    assert _logs_in(employee.username, PASSWORD)


def test_an_admin_cannot_make_themself_superuser(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        _change_url(admin_user), _form(admin_user, **_forbidden_fields())
    )
    assert response.status_code == 403  # an admin's own account is read-only to it
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser
    assert not admin_user.user_permissions.exists()
    assert not admin_user.has_perm("audit.view_all_auditevents")


def test_the_change_page_offers_the_admin_no_superuser_permission_or_password(
    client, admin_user, employee
):
    client.force_login(admin_user)
    page = client.get(_change_url(employee)).text
    for name in ("is_superuser", "user_permissions", "password"):
        assert f'name="{name}"' not in page
    assert "password/" not in page
    assert 'name="groups"' in page
    assert 'name="is_active"' in page


def test_the_admin_sets_a_users_role_and_team_and_it_is_audited(
    client, admin_user, employee
):
    team_lead = Group.objects.get(name=Role.TEAM_LEAD)
    client.force_login(admin_user)

    response = client.post(
        _change_url(employee), _form(employee, groups=[team_lead.pk])
    )

    assert response.status_code == 302
    assert set(User.objects.get(pk=employee.pk).groups.all()) == {team_lead}
    event = AuditEvent.objects.get(action="admin.object_changed")
    assert event.changes["groups"]["after"] == [str(team_lead.pk)]


def test_the_admin_may_only_give_one_of_the_four_roles(client, admin_user, employee):
    everything = Group.objects.create(name="alles")
    everything.permissions.set(Permission.objects.all())
    client.force_login(admin_user)

    response = client.post(
        _change_url(employee), _form(employee, groups=[everything.pk])
    )

    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.text
    assert not employee.groups.filter(pk=everything.pk).exists()


def test_a_user_added_by_the_admin_has_no_usable_password(client, admin_user):
    client.force_login(admin_user)
    add = reverse("admin:accounts_user_add")
    page = client.get(add).text
    assert 'name="password1"' not in page
    assert 'name="usable_password"' not in page
    assert "Een nieuwe gebruiker krijgt geen wachtwoord" in page

    response = client.post(
        add,
        {
            "username": "nieuw",
            "first_name": "Nieuwe",
            "last_name": "Collega",
            "employee_number": "123456",
            "groups": [Group.objects.get(name=Role.EMPLOYEE).pk],
            "is_active": "on",
            **_forbidden_fields(),
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="nieuw")
    assert not user.has_usable_password()
    assert not user.is_superuser
    assert not user.user_permissions.exists()
    assert user.roles == {Role.EMPLOYEE}
    assert not _logs_in("nieuw", "Nieuw-wachtwoord-2026")


@pytest.mark.parametrize("target", ["employee", "admin_user"])
def test_the_admin_password_change_url_refuses_an_admin(
    client, request, admin_user, target
):
    user = request.getfixturevalue(target)
    old_hash = User.objects.get(pk=user.pk).password
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    client.force_login(admin_user)

    assert client.get(url).status_code == 403
    new = {"password1": "Nieuw-wachtwoord-2026", "password2": "Nieuw-wachtwoord-2026"}
    response = client.post(url, {**new, "set_usable_password": "true"})

    assert response.status_code == 403
    assert User.objects.get(pk=user.pk).password == old_hash


def test_the_superuser_may_set_a_password(client, superuser, employee):
    url = reverse("admin:auth_user_password_change", args=[employee.pk])
    client.force_login(superuser)
    assert client.get(url).status_code == 200
    assert 'name="is_superuser"' in client.get(_change_url(employee)).text


def test_a_superusers_account_is_read_only_for_the_admin(client, admin_user, superuser):
    client.force_login(admin_user)
    page = client.get(_change_url(superuser))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text

    response = client.post(
        _change_url(superuser), _form(superuser, is_active="", groups=[])
    )

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active
    assert superuser.is_superuser


def test_the_admin_deletes_no_user_in_bulk(client, admin_user, employee, superuser):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [employee.pk, superuser.pk],
            "post": "yes",
        },
    )
    # No action is offered: the list is shown again, and nobody is deleted.
    assert response.status_code == 200
    assert 'name="action"' not in response.text
    assert User.objects.filter(pk__in=[employee.pk, superuser.pk]).count() == 2
    assert (
        client.post(
            reverse("admin:accounts_user_delete", args=[employee.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_the_admin_reads_roles_but_changes_no_groups_permissions(client, admin_user):
    group = Group.objects.get(name=Role.ADMIN)
    before = set(group.permissions.all())
    client.force_login(admin_user)
    change = reverse("admin:auth_group_change", args=[group.pk])

    page = client.get(change)
    assert page.status_code == 200
    assert 'name="permissions"' not in page.text

    response = client.post(
        change,
        {"name": "admin", "permissions": [p.pk for p in Permission.objects.all()]},
    )
    assert response.status_code == 403
    assert set(group.permissions.all()) == before
    assert client.get(reverse("admin:auth_group_add")).status_code == 403
    assert (
        client.post(reverse("admin:auth_group_add"), {"name": "alles"}).status_code
        == 403
    )
    assert not Group.objects.filter(name="alles").exists()


def test_the_superuser_edits_a_groups_permissions(client, superuser):
    group = Group.objects.get(name=Role.ADMIN)
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_group_change", args=[group.pk]))
    assert 'name="permissions"' in page.text


def test_the_admin_role_cannot_give_itself_more_roles(client, admin_user):
    client.force_login(admin_user)
    every_role = [Group.objects.get(name=role).pk for role in Role.values]
    response = client.post(
        _change_url(admin_user), _form(admin_user, groups=every_role)
    )
    assert response.status_code == 403
    assert set(admin_user.groups.values_list("name", flat=True)) == {"admin"}
    assert client.get(reverse("audit:trail")).status_code == 403


def test_the_admin_role_cannot_grant_the_admin_role(client, admin_user, employee):
    client.force_login(admin_user)
    admin_group = Group.objects.get(name=Role.ADMIN).pk
    response = client.post(_change_url(employee), _form(employee, groups=[admin_group]))
    assert response.status_code == 200  # the form again, with the choice refused
    assert "Selecteer een geldige keuze" in response.text
    assert not employee.groups.filter(name=Role.ADMIN).exists()


def test_another_admins_account_is_read_only_for_an_admin(client, admin_user):
    other = UserFactory(admin=True)
    client.force_login(admin_user)
    assert client.get(_change_url(other)).status_code == 200  # read
    response = client.post(_change_url(other), _form(other, is_active=""))
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.is_active


def test_the_admin_role_still_grants_the_other_roles(client, admin_user, employee):
    client.force_login(admin_user)
    roles = [Group.objects.get(name=name).pk for name in ("employee", "team_lead")]
    response = client.post(_change_url(employee), _form(employee, groups=roles))
    assert response.status_code == 302
    assert set(employee.groups.values_list("name", flat=True)) == {
        "employee",
        "team_lead",
    }


def test_a_superuser_grants_the_admin_role(client, superuser, employee):
    client.force_login(superuser)
    admin_group = Group.objects.get(name=Role.ADMIN).pk
    response = client.post(_change_url(employee), _form(employee, groups=[admin_group]))
    assert response.status_code == 302
    assert employee.groups.filter(name=Role.ADMIN).exists()


def test_the_admin_names_a_user_by_name_and_login(client, admin_user):
    employee = UserFactory(first_name="Sanne", last_name="de Vries", username="svries")
    conversation = ConversationFactory(employee=employee)
    client.force_login(admin_user)
    url = reverse("admin:conversations_conversation_change", args=[conversation.pk])
    assert "Sanne de Vries (svries)" in client.get(url).text


def test_the_admin_reads_the_identity_providers_pair_but_cannot_change_it(
    client, admin_user
):
    bound = UserFactory(
        employee_number="700600",
        idp_issuer="https://idp.uwv.example/realms/uwv",
        idp_subject="f3b2c1d0-0000-4000-8000-000000000001",
    )
    client.force_login(admin_user)

    page = client.get(_change_url(bound)).text
    assert "Inloggen met UWV-account" in page
    assert "Kenmerk bij de identiteitsprovider" in page  # the label, capitalised
    assert "https://idp.uwv.example/realms/uwv" in page
    assert "f3b2c1d0-0000-4000-8000-000000000001" in page
    assert 'name="idp_issuer"' not in page
    assert 'name="idp_subject"' not in page

    # The admin gives the person their new number; the pair stays as it was.
    response = client.post(
        _change_url(bound),
        _form(
            bound,
            employee_number="700601",
            idp_issuer="https://elders.example",
            idp_subject="iemand-anders",
        ),
    )

    assert response.status_code == 302
    bound.refresh_from_db()
    assert bound.employee_number == "700601"
    assert (bound.idp_issuer, bound.idp_subject) == (
        "https://idp.uwv.example/realms/uwv",
        "f3b2c1d0-0000-4000-8000-000000000001",
    )
