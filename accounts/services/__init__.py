from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.access import may_lift_lockout
from accounts.claims import Identity, RefusedIdentityError
from accounts.lockouts import locks_in_force, record_lifted
from accounts.models import Team, User
from accounts.roles import Role
from audit.payloads import IDP_ROLES_APPLIED
from audit.services.record import audit_record


def lockout_lift(*, actor: User | None, attempts: QuerySet[AccessAttempt]) -> int:
    """Delete failed-login attempts, lifting the locks they made; return how many.

    Each lock in force before and not after is recorded as lifted. ``actor`` is the
    admin, or None for an operator on the command line.
    """
    if actor is not None and not may_lift_lockout(actor):
        raise PermissionDenied
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    with transaction.atomic():
        before = locks_in_force(since)
        _total, per_model = attempts.delete()
        record_lifted(actor, before - locks_in_force(since))
    return per_model.get(AccessAttempt._meta.label, 0)


def account_from_identity(identity: Identity) -> User:
    """Return the account of an SSO login, with the roles and team the IdP gives.

    Found by employee number and bound to the IdP's (issuer, subject), or created
    at the first login (without a password of its own). An account without that
    pair yet (new, or made by an admin or with a password) gets it now; every
    later login must bring the same pair with the same number. The roles, the
    team, the names and the e-mail address follow the claims at every login: a
    role removed at the IdP is gone now. A change, and a new account, is recorded
    (``auth.idp_roles_applied``). Raises RefusedIdentityError:
    ``identity_mismatch`` (``_account_locked``), ``unknown_team`` for a team code
    no team has, ``inactive`` for a deactivated account; nothing changes then.
    """
    with transaction.atomic():
        team = _team_coded(identity.team_code)
        user = _account_locked(identity)
        if user is not None and not user.is_active:
            raise RefusedIdentityError("inactive")
        if user is not None and user.is_superuser:
            # A superuser is a break-glass account: it logs in here, with its
            # password and second factor, never on an IdP's word.
            raise RefusedIdentityError("superuser")
        created = user is None
        if user is None:
            user = User(
                username=_free_username(identity),
                employee_number=identity.employee_number,
            )
            user.set_unusable_password()
        roles_before = [] if created else sorted(role.value for role in user.roles)
        team_before = None if created or user.team is None else user.team.name
        _take_claims(user, identity, team)
        user.save()
        _give_roles(user, identity.roles)
        roles_after = sorted(role.value for role in identity.roles)
        team_after = team.name if team is not None else None
        if created or (roles_before, team_before) != (roles_after, team_after):
            audit_record(
                actor=user,
                event=IDP_ROLES_APPLIED(
                    {
                        "created": created,
                        "roles_before": roles_before,
                        "roles_after": roles_after,
                        "team_before": team_before,
                        "team_after": team_after,
                    }
                ),
                obj=user,
            )
    return user


def _account_locked(identity: Identity) -> User | None:
    """Return the account with the identity's employee number, locked, or None.

    Raises RefusedIdentityError ``identity_mismatch`` when the IdP's (issuer,
    subject) is bound to another account (also one whose number changed at the
    IdP: an admin looks before it logs in again), or the account of the number
    is bound to another pair (the number went to another person, or their
    account at the IdP was made anew).
    """
    found = list(
        User.objects.select_for_update(of=("self",))
        .select_related("team")
        .filter(
            Q(employee_number=identity.employee_number)
            | Q(idp_issuer=identity.issuer, idp_subject=identity.subject)
        )
    )
    user = next(
        (u for u in found if u.employee_number == identity.employee_number), None
    )
    bound = next((u for u in found if _bound_to(u, identity)), None)
    if bound is not None and bound != user:
        raise RefusedIdentityError("identity_mismatch")
    if bound is None and user is not None and user.idp_bound:
        raise RefusedIdentityError("identity_mismatch")
    return user


def _bound_to(user: User, identity: Identity) -> bool:
    return (user.idp_issuer, user.idp_subject) == (identity.issuer, identity.subject)


def _team_coded(code: str | None) -> Team | None:
    if code is None:
        return None
    team = Team.objects.filter(idp_code=code).first()
    if team is None:
        raise RefusedIdentityError("unknown_team")
    return team


def _free_username(identity: Identity) -> str:
    """The username the IdP gives, else the employee number, whichever is free."""
    for candidate in (identity.username, identity.employee_number):
        if not User.objects.filter(username=candidate).exists():
            return candidate
    return f"sso-{identity.employee_number}"


def _take_claims(user: User, identity: Identity, team: Team | None) -> None:
    # Binds an account without a pair; the same pair again at later logins.
    user.idp_issuer = identity.issuer
    user.idp_subject = identity.subject
    user.first_name = identity.given_name or user.first_name
    user.last_name = identity.family_name or user.last_name
    user.email = identity.email or user.email
    user.team = team
    # The admin site lets in staff in the admin role (accounts.access).
    user.is_staff = user.is_superuser or Role.ADMIN in identity.roles


def _give_roles(user: User, roles: frozenset[Role]) -> None:
    """Make the user's role groups exactly ``roles``; other groups stay."""
    wanted = {role.value for role in roles}
    user.groups.remove(*user.groups.filter(name__in=set(Role.values) - wanted))
    user.groups.add(*Group.objects.filter(name__in=wanted))
    user.__dict__.pop("roles", None)
