"""The claims of an ID token read into an Identity (pure: no provider, no database)."""

import pytest

from accounts.claims import ClaimNames, RefusedIdentityError, identity_from

ROLE_MAP = {"uwvrec.medewerker": "employee"}
CLAIMS = {
    "iss": "https://login.microsoftonline.com/tenant/v2.0",
    "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
    "employee_number": "700100",
    "roles": ["uwvrec.medewerker"],
}


def read(**changes):
    claims = {k: v for k, v in (CLAIMS | changes).items() if v is not None}
    return identity_from(claims, names=ClaimNames(), role_map=ROLE_MAP)


def test_the_issuer_and_subject_are_taken_exactly():
    identity = read(sub=" Ab-1 ")
    assert identity.issuer == CLAIMS["iss"]
    assert identity.subject == " Ab-1 "  # compared as given: never trimmed


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": None},
        {"iss": ""},
        {"iss": "https://" + "x" * 248},
        {"sub": None},
        {"sub": ""},
        {"sub": 42},
        {"sub": "x" * 256},
    ],
)
def test_an_id_token_without_a_usable_issuer_or_subject_is_refused(changes):
    with pytest.raises(RefusedIdentityError) as refusal:
        read(**changes)
    assert refusal.value.code == "idp_error"


def test_a_subject_of_255_characters_is_taken():
    assert read(sub="x" * 255).subject == "x" * 255
