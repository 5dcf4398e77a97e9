"""Who may act at all, enter the admin site and manage accounts: the one place.

Every app's access policy starts here: nobody but a logged-in user with an active
account may do anything (``may_act``). The admin site asks ``may_enter_admin`` on
every request and the menu asks it before it shows "Beheer", so the menu never
offers a door the site then keeps shut. Inside the admin, the powers that could
hand out every right belong to the operator's break-glass superuser only
(``may_manage_privileges``). Who must pass a second factor is decided here too
(``needs_second_factor``; ``accounts.second_factor`` asks it for the middleware).

Each predicate answers False for an anonymous user (Django's ``AnonymousUser``
has the same flags, all false), so a caller need not ask first.
"""

from __future__ import annotations

from typing import TypeAlias, TypeGuard

from django.contrib.auth.models import AnonymousUser, Group
from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import Role

LIFT_LOCKOUT_PERMISSION = "axes.delete_accessattempt"
# The roles whose password alone does not let them in (BIO: multi-factor
# authentication for privileged accounts); a superuser neither.
PRIVILEGED_ROLES = frozenset({Role.TEAM_LEAD, Role.AUDITOR, Role.ADMIN})

# Whoever sent a request: a user, or Django's AnonymousUser before logging in.
Visitor: TypeAlias = "User | AnonymousUser"


def may_act(user: Visitor) -> TypeGuard[User]:
    """Return whether ``user`` is logged in with an active account."""
    return bool(user.is_authenticated and user.is_active)


def holds(user: Visitor, role: Role) -> TypeGuard[User]:
    """Return whether ``user`` may act and holds ``role`` (the other apps ask this)."""
    return may_act(user) and user.has_role(role)


def needs_second_factor(user: Visitor) -> bool:
    """Return whether ``user`` must pass a second factor before any page.

    Team leads, auditors and admins read or manage what employees may not, and a
    superuser may do everything: a stolen password alone must not be enough. The
    same users manage their authenticator app and recovery codes.
    """
    if not may_act(user):
        return False
    return user.is_superuser or bool(user.roles & PRIVILEGED_ROLES)


def may_remove_device(user: Visitor, owner: User) -> bool:
    """Return whether ``user`` may remove a second factor of ``owner``.

    Their own, on the second-factor page; someone else's, in the admin site, only
    who may change that account (so an admin never removes another admin's).
    """
    if not may_act(user):
        return False
    return user.pk == owner.pk or may_change_account(user, owner)


def may_enter_admin(user: Visitor) -> bool:
    """Active staff in the admin role, and active staff superusers."""
    if not (may_act(user) and user.is_staff):
        return False
    return user.is_superuser or holds(user, Role.ADMIN)


def may_manage_privileges(user: User) -> bool:
    """Return whether ``user`` may use the admin's break-glass powers.

    Change what a role may do, grant the admin role, the superuser flag or single
    permissions, set someone else's password, delete an account, and change the
    accounts of superusers and admins: the operator's superuser, in the admin site.
    """
    return may_enter_admin(user) and user.is_superuser


def may_change_account(user: User, account: User) -> bool:
    """Return whether ``user`` may change ``account`` in the admin site.

    The accounts of superusers and admins (an admin's own included) only a
    superuser changes: otherwise an admin could give itself, or a second account
    of its own, every role, or take another admin's away. The groups are read from
    the database, so that a role granted in the change being saved counts. Within
    that, the admin's view and change permissions decide.
    """
    if may_manage_privileges(user):
        return True
    if not may_enter_admin(user) or account.is_superuser:
        return False
    return account.pk is None or not account.groups.filter(name=Role.ADMIN).exists()


def may_lift_lockout(user: User) -> bool:
    """Return whether ``user`` may delete failed logins, lifting their locks."""
    return may_act(user) and user.has_perm(LIFT_LOCKOUT_PERMISSION)


def groups_grantable_by(user: User) -> QuerySet[Group]:
    """Return the groups ``user`` may put an account in, in the admin site.

    A role is one of the groups of the roles; the admin role itself, and any other
    group, only a superuser grants.
    """
    if may_manage_privileges(user):
        return Group.objects.order_by("name")  # as the admin's group pages list them
    if not may_enter_admin(user):
        return Group.objects.none()
    grantable = [role for role in Role.values if role != Role.ADMIN]
    return Group.objects.filter(name__in=grantable)
