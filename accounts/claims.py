"""Who the identity provider says someone is: its claims read into an ``Identity``.

Pure: the claim names and the table of roles come in as arguments (the settings
``OIDC_CLAIM_*`` and ``OIDC_ROLE_MAP``), so every rule here is tested without a
provider. A claim the login cannot do without raises ``RefusedIdentityError`` with the
code the audit trail and the refusal page use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from accounts.roles import Role

EMPLOYEE_NUMBER = re.compile(r"[0-9]{6,12}")  # ASCII digits, as the model asks
# A subject is at most 255 characters (OpenID Connect Core 2); the account's
# columns hold as many for the issuer too.
IDENTIFIER_MAX_LENGTH = 255


class RefusedIdentityError(Exception):
    """The claims do not let this person in; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ClaimNames:
    """Where the provider puts what the app needs (a dot reads a nested claim)."""

    roles: str = "roles"
    team: str = "team"
    employee_number: str = "employee_number"
    username: str = "preferred_username"


@dataclass(frozen=True)
class Identity:
    """A person as the IdP names them: ``(issuer, subject)`` is the stable key."""

    issuer: str
    subject: str
    employee_number: str
    username: str
    roles: frozenset[Role]
    team_code: str | None
    given_name: str = ""
    family_name: str = ""
    email: str = ""


def claim_at(claims: Mapping[str, object], path: str) -> object:
    """Return the claim at ``path`` (a dot reads into a dict), or None."""
    value: object = claims
    for name in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def roles_from(
    claims: Mapping[str, object], *, claim: str, role_map: Mapping[str, str]
) -> frozenset[Role]:
    """Return the app's roles that the provider's roles (or groups) claim gives.

    A claim may be a list or a single string; values the table does not name are
    ignored (the provider holds roles of other applications too). Entra sends, for
    someone in more than 200 groups, a pointer instead of the groups
    (``_claim_names``): that login is refused, as no role can be read.
    """
    pointers = claims.get("_claim_names")
    if isinstance(pointers, Mapping) and claim.split(".")[0] in pointers:
        raise RefusedIdentityError("too_many_groups")
    value = claim_at(claims, claim)
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        return frozenset()
    named = {role_map.get(v) for v in values if isinstance(v, str)}
    return frozenset(Role(code) for code in named if code in Role.values)


def _text(claims: Mapping[str, object], path: str) -> str:
    value = claim_at(claims, path)
    return value.strip() if isinstance(value, str) else ""


def _identifier(claims: Mapping[str, object], name: str) -> str:
    """Return ``iss`` or ``sub`` exactly as given (compared as is, never trimmed).

    Raises RefusedIdentityError ``idp_error`` when it is missing, empty or too
    long: an ID token has both (OpenID Connect Core 2).
    """
    value = claims.get(name)
    if not isinstance(value, str) or not 0 < len(value) <= IDENTIFIER_MAX_LENGTH:
        raise RefusedIdentityError("idp_error")
    return value


def identity_from(
    claims: Mapping[str, object], *, names: ClaimNames, role_map: Mapping[str, str]
) -> Identity:
    """Read the claims of a verified ID token (and userinfo) into an Identity.

    The issuer is the ID token's ``iss``, which the backend has checked against
    the provider's. Raises RefusedIdentityError: ``idp_error`` without ``iss`` or
    ``sub``, ``no_employee_number`` when the claim is missing or not 6 to 12
    digits, ``no_role`` when no role of the table is in the claims.
    """
    issuer = _identifier(claims, "iss")
    subject = _identifier(claims, "sub")
    number = claim_at(claims, names.employee_number)
    number = str(number).strip() if isinstance(number, str | int) else ""
    if not EMPLOYEE_NUMBER.fullmatch(number):
        raise RefusedIdentityError("no_employee_number")
    roles = roles_from(claims, claim=names.roles, role_map=role_map)
    if not roles:
        raise RefusedIdentityError("no_role")
    return Identity(
        issuer=issuer,
        subject=subject,
        employee_number=number,
        username=_text(claims, names.username)[:150] or number,
        roles=roles,
        team_code=_text(claims, names.team) or None,
        given_name=_text(claims, "given_name")[:150],
        family_name=_text(claims, "family_name")[:150],
        email=_text(claims, "email")[:254],
    )
