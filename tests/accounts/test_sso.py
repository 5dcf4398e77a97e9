"""Single sign-on through a real OpenID Connect provider (tests/idp/), over HTTP.

The Django test client is uwvrec's browser; ``tests.idp.browser.Browser`` is the
same user's browser at the provider: it logs in there, and hands the redirect
back to uwvrec's callback, with the code, as a browser would.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.second_factor import IDP_MFA_SESSION_KEY
from audit.models import AuditEvent
from tests.factories import TeamFactory, UserFactory
from tests.idp.browser import Browser
from tests.idp.server import IdentityProvider
from tests.sso import point_at

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/inloggen/uwv-account/terug/"
LOGIN_PAGE = "http://testserver/inloggen/"
PASSWORD = "een wachtwoord bij de identiteitsprovider"


@pytest.fixture
def sso(identity_provider: IdentityProvider, settings) -> IdentityProvider:
    """uwvrec configured for the test provider, as the environment would."""
    point_at(identity_provider, settings, "http://testserver")
    return identity_provider


@pytest.fixture
def team():
    return TeamFactory(name="Team Utrecht WW", idp_code="KS-UTR-WW")


def person(sso: IdentityProvider, username: str, **claims) -> str:
    """Give the provider a person with these claims; return their username."""
    claims = {
        "employee_number": "700100",
        "roles": ["uwvrec.medewerker"],
        "team": "KS-UTR-WW",
        "given_name": "Sanne",
        "family_name": "Bakker",
        "email": f"{username}@uwv.example",
        "preferred_username": username,
    } | claims
    sso.set_user(
        username,
        password=PASSWORD,
        **{k: v for k, v in claims.items() if v is not None},
    )
    return username


def sign_in(client, sso: IdentityProvider, username: str, *, next_url: str = "/"):
    """Walk the whole round trip; return uwvrec's answer to the callback and the
    browser at the provider (still logged in there)."""
    begin = client.get(reverse("accounts:sso_begin"), {"next": next_url})
    assert begin.status_code == 302
    assert begin["Location"].startswith(sso.issuer)
    at_provider = Browser(sso)
    login_form = at_provider.get(begin["Location"])
    back = at_provider.log_in(login_form, username, PASSWORD)
    assert back.is_redirect, back.text[:500]
    location = back.headers["Location"]
    assert location.startswith(CALLBACK), location
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}"), at_provider


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_the_login_page_offers_the_uwv_account_when_configured(client, sso):
    page = client.get(reverse("accounts:login"))
    assert "Inloggen met UWV-account" in page.content.decode()
    assert "noodaccount" in page.content.decode()


def test_the_login_page_has_no_uwv_account_button_without_sso(client):
    page = client.get(reverse("accounts:login"))
    assert "Inloggen met UWV-account" not in page.content.decode()
    assert client.get(reverse("accounts:sso_begin")).status_code == 404


def test_a_first_login_creates_the_account_with_role_team_and_number(client, sso, team):
    username = person(sso, "s.bakker")

    answer, _ = sign_in(client, sso, username, next_url="/gesprekken/")

    assert answer.status_code == 302
    assert answer["Location"] == "/gesprekken/"
    user = User.objects.get(employee_number="700100")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert (user.username, user.first_name, user.last_name) == (
        "s.bakker",
        "Sanne",
        "Bakker",
    )
    assert user.team == team
    assert user.roles == {Role.EMPLOYEE}
    assert not user.has_usable_password()
    (login,) = events("auth.logged_in")
    assert login.data == {"method": "sso"}
    (applied,) = events("auth.idp_roles_applied")
    assert applied.data == {
        "created": True,
        "roles_before": [],
        "roles_after": ["employee"],
        "team_before": None,
        "team_after": "Team Utrecht WW",
    }
    home = client.get("/")
    assert home.status_code == 200
    assert "Welkom" in home.content.decode()


def test_roles_follow_the_provider_at_every_login(client, sso, team):
    username = person(sso, "r.visser", roles=["uwvrec.medewerker", "uwvrec.teamleider"])
    sign_in(client, sso, username)
    user = User.objects.get(username="r.visser")
    assert user.roles == {Role.EMPLOYEE, Role.TEAM_LEAD}
    client.post(reverse("accounts:logout"))

    person(sso, username, roles=["uwvrec.medewerker", "andere-app.beheer"])
    answer, _ = sign_in(client, sso, username)

    assert answer.status_code == 302
    user = User.objects.get(username="r.visser")
    assert user.roles == {Role.EMPLOYEE}
    changed = events("auth.idp_roles_applied")[-1]
    assert changed.data["created"] is False
    assert changed.data["roles_before"] == ["employee", "team_lead"]
    assert changed.data["roles_after"] == ["employee"]
    # The team lead's pages are closed to them now.
    assert client.get(reverse("violations:queue")).status_code in (403, 404)


def test_a_login_that_changes_nothing_records_no_role_change(client, sso, team):
    username = person(sso, "k.smit")
    sign_in(client, sso, username)
    client.post(reverse("accounts:logout"))
    sign_in(client, sso, username)
    assert len(events("auth.idp_roles_applied")) == 1
    assert [e.data for e in events("auth.logged_in")] == [{"method": "sso"}] * 2


def test_an_existing_account_is_found_by_employee_number(client, sso, team):
    existing = UserFactory(username="jvdberg", employee_number="700555")
    username = person(
        sso,
        "j.vandenberg@uwv.example",
        employee_number="700555",
        roles=["uwvrec.auditor"],
    )
    sign_in(client, sso, username)
    existing.refresh_from_db()
    assert client.session[SESSION_KEY] == str(existing.pk)
    assert existing.username == "jvdberg"  # the username stays
    assert existing.roles == {Role.AUDITOR}


MISMATCH_SAYS = "past niet bij het account in uwvrec met uw personeelsnummer"


def account_state(user: User) -> dict[str, object]:
    """What an SSO login may change of an account, read from the database."""
    user = User.objects.get(pk=user.pk)
    return {
        "username": user.username,
        "employee_number": user.employee_number,
        "idp": (user.idp_issuer, user.idp_subject),
        "names": (user.first_name, user.last_name, user.email),
        "team": user.team_id,
        "roles": user.roles,
        "is_staff": user.is_staff,
        "password": user.password,
        "last_login": user.last_login,
    }


def assert_refused_as_mismatch(client, answer, account: User) -> None:
    """The user reads why, is not logged in, and the trail names the account."""
    assert answer.status_code == 302
    assert answer["Location"] == reverse("accounts:sso_refused")
    page = client.get(answer["Location"])
    assert page.status_code == 403
    text = page.content.decode()
    assert "U kunt niet inloggen" in text
    assert MISMATCH_SAYS in text
    assert "functioneel beheerder of de servicedesk" in text
    assert SESSION_KEY not in client.session
    refusal = events("auth.sso_refused")[-1]
    assert refusal.result == "denied"
    assert refusal.data == {"code": "identity_mismatch"}
    assert (refusal.object_type, refusal.object_id) == (
        "accounts.user",
        str(account.pk),
    )
    assert refusal.actor_id == account.pk
    # Not a failed password login: nothing counts towards a lockout.
    assert events("auth.login_failed") == []
    assert not AccessAttempt.objects.exists()


def test_a_first_login_binds_the_account_to_the_issuer_and_subject(client, sso, team):
    username = person(sso, "eerste.keer")

    sign_in(client, sso, username)

    user = User.objects.get(employee_number="700100")
    # The test provider's subject is the username there.
    assert (user.idp_issuer, user.idp_subject) == (sso.issuer, username)
    assert user.idp_bound


def test_a_later_login_with_the_same_pair_passes(client, sso, team):
    username = person(sso, "vaste.klant")
    sign_in(client, sso, username)
    user = User.objects.get(username=username)
    client.post(reverse("accounts:logout"))
    person(sso, username, roles=["uwvrec.teamleider"], family_name="Bakker-de Wit")

    answer, _ = sign_in(client, sso, username)

    assert answer["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)
    user.refresh_from_db()
    assert (user.idp_issuer, user.idp_subject) == (sso.issuer, username)
    assert user.roles == {Role.TEAM_LEAD}  # roles still follow the claims
    assert user.last_name == "Bakker-de Wit"
    assert User.objects.count() == 1
    assert events("auth.sso_refused") == []
    assert [e.object_id for e in events("auth.logged_in")] == [str(user.pk)] * 2


def test_the_same_employee_number_from_another_subject_is_refused(client, sso, team):
    first = person(sso, "a.jansen")
    sign_in(client, sso, first)
    account = User.objects.get(username=first)
    client.post(reverse("accounts:logout"))
    before = account_state(account)
    other_team = TeamFactory(name="Team Zwolle WW", idp_code="KS-ZWO-WW")
    second = person(
        sso,
        "b.jansen",
        roles=["uwvrec.beheerder"],
        team=other_team.idp_code,
        given_name="Bram",
        email="b.jansen@uwv.example",
    )

    answer, _ = sign_in(client, sso, second)

    assert_refused_as_mismatch(client, answer, account)
    assert account_state(account) == before
    assert User.objects.count() == 1
    assert len(events("auth.idp_roles_applied")) == 1  # the first login's only
    assert len(events("auth.logged_in")) == 1
    # The first person still logs in.
    answer, _ = sign_in(client, sso, first)
    assert answer["Location"] == "/"
    assert client.session[SESSION_KEY] == str(account.pk)


def test_a_bound_accounts_number_moved_to_another_person_is_refused(client, sso, team):
    moved = person(sso, "c.devries", employee_number="700300")
    sign_in(client, sso, moved)
    account = User.objects.get(username=moved)
    client.post(reverse("accounts:logout"))
    before = account_state(account)
    # The provider gives the number to someone else, and C another one.
    person(sso, moved, employee_number="700301")
    newcomer = person(sso, "d.devries", employee_number="700300")

    answer, _ = sign_in(client, sso, newcomer)
    assert_refused_as_mismatch(client, answer, account)

    # C, with the same subject and the new number, is refused too: an admin
    # looks first (no second account is made for 700301).
    answer, _ = sign_in(client, sso, moved)
    assert_refused_as_mismatch(client, answer, account)

    assert account_state(account) == before
    assert User.objects.count() == 1
    assert len(events("auth.sso_refused")) == 2
    # Once the admin has given the account the new number, C logs in again.
    User.objects.filter(pk=account.pk).update(employee_number="700301")
    answer, _ = sign_in(client, sso, moved)
    assert answer["Location"] == "/"
    assert client.session[SESSION_KEY] == str(account.pk)


def test_a_password_account_is_bound_at_its_first_sso_login(client, sso, team):
    local = UserFactory(username="wachtwoord.w", employee_number="700444")
    assert not local.idp_bound
    username = person(sso, "w.wachtwoord@uwv.example", employee_number="700444")

    answer, _ = sign_in(client, sso, username)

    assert answer["Location"] == "/"
    assert client.session[SESSION_KEY] == str(local.pk)
    local.refresh_from_db()
    assert (local.idp_issuer, local.idp_subject) == (sso.issuer, username)
    assert local.username == "wachtwoord.w"
    # Bound now: another subject with this number is refused.
    client.post(reverse("accounts:logout"))
    intruder = person(sso, "iemand.anders", employee_number="700444")
    answer, _ = sign_in(client, sso, intruder)
    assert_refused_as_mismatch(client, answer, local)


def test_the_database_holds_each_pair_once_and_never_half(db):
    UserFactory(employee_number=None)
    UserFactory(employee_number=None)  # blank pairs: as many as there are
    UserFactory(idp_issuer="https://idp.example", idp_subject="s-1")
    UserFactory(idp_issuer="https://elders.example", idp_subject="s-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(idp_issuer="https://idp.example", idp_subject="s-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(idp_issuer="", idp_subject="s-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(idp_issuer="https://idp.example", idp_subject="")


def test_the_admin_role_from_the_provider_opens_the_admin_site(client, sso, team):
    username = person(sso, "beheer.a", roles=["uwvrec.beheerder"], team=None)
    sign_in(client, sso, username)
    user = User.objects.get(username="beheer.a")
    assert user.is_staff
    assert user.team is None
    person(sso, username, roles=["uwvrec.medewerker"], team="KS-UTR-WW")
    client.post(reverse("accounts:logout"))
    sign_in(client, sso, username)
    user.refresh_from_db()
    assert not user.is_staff


@pytest.mark.parametrize(
    ("claims", "code", "says"),
    [
        ({"roles": ["andere-app.gebruiker"]}, "no_role", "geen rol in uwvrec"),
        ({"roles": None}, "no_role", "geen rol in uwvrec"),
        ({"employee_number": None}, "no_employee_number", "personeelsnummer"),
        ({"employee_number": "12ab"}, "no_employee_number", "personeelsnummer"),
        # Digits of another script (fullwidth): not an employee number here.
        (
            {"employee_number": "\uff17\uff10\uff10\uff11\uff10\uff10"},
            "no_employee_number",
            "personeelsnummer",
        ),
        ({"team": "ONBEKEND-TEAM"}, "unknown_team", "team is nog niet bekend"),
        (
            {"_claim_names": {"roles": "src1"}, "roles": None},
            "too_many_groups",
            "app-rollen",
        ),
    ],
)
def test_claims_that_give_no_way_in_are_refused_in_dutch_and_audited(
    client, sso, team, claims, code, says
):
    username = person(sso, f"geweigerd-{code}", **claims)

    answer, _ = sign_in(client, sso, username)

    assert answer.status_code == 302
    assert answer["Location"] == reverse("accounts:sso_refused")
    page = client.get(answer["Location"])
    assert page.status_code == 403
    assert "U kunt niet inloggen" in page.content.decode()
    assert says in page.content.decode()
    assert SESSION_KEY not in client.session
    (refusal,) = events("auth.sso_refused")
    assert refusal.result == "denied"
    assert refusal.data["code"] == code
    assert refusal.data["login_ref"].startswith("onbekend-")
    assert username not in str(refusal.data)
    # Not a failed password login: nothing counts towards a lockout.
    assert events("auth.login_failed") == []
    assert not AccessAttempt.objects.exists()


def test_a_deactivated_account_stays_out(client, sso, team):
    UserFactory(username="weg", employee_number="700999", is_active=False)
    username = person(sso, "weg@uwv.example", employee_number="700999")
    answer, _ = sign_in(client, sso, username)
    assert answer["Location"] == reverse("accounts:sso_refused")
    (refusal,) = events("auth.sso_refused")
    assert refusal.data == {"code": "inactive"}
    assert refusal.object_id == str(User.objects.get(username="weg").pk)


def test_a_superuser_account_never_logs_in_through_the_provider(client, sso, team):
    UserFactory(username="noodaccount", employee_number="700777", is_superuser=True)
    username = person(sso, "nood@uwv.example", employee_number="700777")
    answer, _ = sign_in(client, sso, username)
    assert answer["Location"] == reverse("accounts:sso_refused")
    assert "noodaccount" in client.get(answer["Location"]).content.decode()
    (refusal,) = events("auth.sso_refused")
    assert refusal.data == {"code": "superuser"}
    assert SESSION_KEY not in client.session


def test_logging_in_again_while_logged_in_is_recorded_again(client, sso, team):
    # mozilla-django-oidc skips auth.login for the user already logged in; here
    # each login through the provider is a login (Django keeps the session key,
    # as it does for a user logging in again into their own session).
    username = person(sso, "twee.keer")
    sign_in(client, sso, username)
    sign_in(client, sso, username)
    assert [e.data for e in events("auth.logged_in")] == [{"method": "sso"}] * 2


def test_the_login_page_as_next_of_a_logged_in_user_goes_home(client, employee):
    client.force_login(employee)
    answer = client.get(reverse("accounts:login"), {"next": reverse("accounts:login")})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("accounts:home")


def test_keycloak_realm_roles_are_read_from_a_nested_claim(client, sso, team, settings):
    settings.OIDC_CLAIM_ROLES = "realm_access.roles"
    username = person(
        sso, "keycloak.k", roles=None, realm_access={"roles": ["uwvrec.teamleider"]}
    )
    sign_in(client, sso, username)
    assert User.objects.get(username="keycloak.k").roles == {Role.TEAM_LEAD}


def test_a_required_acr_the_token_lacks_is_refused(client, sso, team, settings):
    settings.OIDC_REQUIRED_ACR = "urn:uwv:loa:high"
    username = person(sso, "acr.a", acr="urn:uwv:loa:low")
    answer, _ = sign_in(client, sso, username)
    assert answer["Location"] == reverse("accounts:sso_refused")
    assert events("auth.sso_refused")[0].data["code"] == "acr"

    person(sso, username, acr="urn:uwv:loa:high")
    answer, _ = sign_in(client, sso, username)
    assert answer["Location"] == "/"


@pytest.mark.parametrize("trusted", [True, False])
def test_the_idps_mfa_counts_as_second_factor_only_when_trusted(
    client, sso, team, settings, trusted
):
    settings.OIDC_TRUSTS_IDP_MFA = trusted
    sign_in(client, sso, person(sso, f"mfa-{trusted}"))
    assert client.session.get(IDP_MFA_SESSION_KEY, False) is trusted


def test_a_callback_that_is_not_ours_is_refused_without_an_error_page(
    client, sso, team
):
    answer = client.get(
        reverse("accounts:sso_callback"), {"code": "verzonnen", "state": "verzonnen"}
    )
    assert answer["Location"] == reverse("accounts:sso_refused")
    page = client.get(answer["Location"])
    assert page.status_code == 403
    assert "afgebroken of niet gelukt" in page.content.decode()
    assert events("auth.sso_refused")[0].data == {"code": "idp_error"}


def test_a_code_the_provider_refuses_is_a_refusal_not_a_500(client, sso, team):
    username = person(sso, "dubbel")
    begin = client.get(reverse("accounts:sso_begin"))
    at_provider = Browser(sso)
    back = at_provider.log_in(at_provider.get(begin["Location"]), username, PASSWORD)
    parts = urlsplit(back.headers["Location"])
    query = parse_qs(parts.query)
    # Another state of ours, with a code the provider never gave.
    forged = f"{parts.path}?code=niet-van-de-provider&state={query['state'][0]}"
    answer = client.get(forged)
    assert answer["Location"] == reverse("accounts:sso_refused")
    assert events("auth.sso_refused")[0].data == {"code": "idp_error"}
    assert SESSION_KEY not in client.session


def test_the_user_cancelling_at_the_provider_is_explained(client, sso):
    begin = client.get(reverse("accounts:sso_begin"))
    state = parse_qs(urlsplit(begin["Location"]).query)["state"][0]
    answer = client.get(
        reverse("accounts:sso_callback"), {"error": "access_denied", "state": state}
    )
    assert answer["Location"] == reverse("accounts:sso_refused")


def test_a_provider_that_does_not_answer_is_explained(client, settings):
    settings.SSO_ENABLED = True
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"
    settings.OIDC_OP_DISCOVERY_URL = (
        "http://127.0.0.1:9/.well-known/openid-configuration"
    )
    settings.OIDC_RP_CLIENT_ID = "uwvrec"
    answer = client.get(reverse("accounts:sso_begin"))
    assert answer["Location"] == reverse("accounts:sso_refused")
    page = client.get(answer["Location"])
    assert "niet bereikbaar" in page.content.decode()
    assert events("auth.sso_refused")[0].data == {"code": "idp_unavailable"}


def test_logging_out_ends_the_session_at_the_provider_too(client, sso, team):
    username = person(sso, "uit.loggen")
    _, at_provider = sign_in(client, sso, username)
    assert sso.sessions(username) == 1

    answer = client.post(reverse("accounts:logout"))

    assert SESSION_KEY not in client.session
    assert answer.status_code == 302
    end_session = answer["Location"]
    assert end_session.startswith(sso.issuer)
    assert "id_token_hint=" in end_session
    back = at_provider.get(end_session)
    assert back.is_redirect
    assert back.headers["Location"] == LOGIN_PAGE
    assert sso.sessions(username) == 0
    assert events("auth.logged_out")[0].object_id == str(
        User.objects.get(username=username).pk
    )


def test_a_password_login_logs_out_here_only(client, sso, employee):
    client.force_login(employee)
    answer = client.post(reverse("accounts:logout"))
    assert answer["Location"] == reverse("accounts:login")


def test_passwords_switched_off_are_refused_on_both_login_pages(
    client, sso, settings, employee
):
    settings.LOCAL_LOGIN_ENABLED = False
    employee.set_password("een goed wachtwoord")
    employee.save()

    page = client.get(reverse("accounts:login"))
    assert "Gebruikersnaam" not in page.content.decode()
    answer = client.post(
        reverse("accounts:login"),
        {"username": employee.username, "password": "een goed wachtwoord"},
    )
    assert answer.status_code == 403
    assert "uitgeschakeld" in answer.content.decode()
    assert SESSION_KEY not in client.session

    admin_login = client.post(
        reverse("admin:login"),
        {"username": employee.username, "password": "een goed wachtwoord"},
    )
    assert admin_login.status_code == 302
    assert admin_login["Location"].startswith(reverse("accounts:login"))
    assert SESSION_KEY not in client.session


def test_an_htmx_request_of_an_expired_session_loads_the_login_page(client):
    answer = client.get(reverse("conversations:list"), headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert answer["HX-Redirect"].startswith(reverse("accounts:login"))
    plain = client.get(reverse("conversations:list"))
    assert plain.status_code == 302
