"""Single sign-on with the organisation's identity provider, over OpenID Connect.

mozilla-django-oidc does the protocol: the authorization code flow with PKCE and
a nonce, the token exchange and the ID token's signature. Added here, what a
government deployment needs and the library leaves out:

- the endpoints come from the provider's discovery document (cached), so one
  issuer URL configures it (docs/adr/0006-single-sign-on.md);
- the ID token's issuer, audience and (if required) ``acr`` are checked;
- the claims give the account, its roles and its team (``accounts.claims``,
  ``account_from_identity``), at every login; the account is bound to the
  ID token's (``iss``, ``sub``) at its first, and later logins must match it;
- a refusal is audited and explained on a Dutch page, never a 400 or 500;
- logging out ends the session at the provider too (RP-initiated logout).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts.backends import StaffBackend
from accounts.claims import (
    ClaimNames,
    RefusedIdentityError,
    claim_at,
    identity_from,
)
from accounts.lockouts import login_ref
from accounts.models import User
from accounts.receivers import SSO_BACKEND
from accounts.second_factor import IDP_MFA_SESSION_KEY
from accounts.services import account_from_identity
from audit.catalogue import Result
from audit.payloads import SSO_REFUSED, SsoRefused
from audit.services.record import audit_record

# The session keys of an SSO login: that it was one (logging out goes to the IdP
# too), and why the last attempt was refused (the refusal page reads it once).
SSO_SESSION_KEY = "sso_login"
REFUSAL_SESSION_KEY = "sso_refused"
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 - mozilla-django-oidc stores it so


class ProviderUnavailableError(Exception):
    """The identity provider's discovery document could not be read."""


def sso_enabled() -> bool:
    return bool(settings.SSO_ENABLED)


def provider() -> Mapping[str, Any]:
    """Return the provider's discovery document, cached for a while.

    Raises ProviderUnavailableError when the provider does not answer with one.
    """
    url = settings.OIDC_OP_DISCOVERY_URL
    key = f"oidc-discovery:{url}"
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailableError(url) from error
        if not isinstance(document, dict) or "authorization_endpoint" not in document:
            raise ProviderUnavailableError(url)
        cache.set(key, document, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return document


def claim_names() -> ClaimNames:
    return ClaimNames(
        roles=settings.OIDC_CLAIM_ROLES,
        team=settings.OIDC_CLAIM_TEAM,
        employee_number=settings.OIDC_CLAIM_EMPLOYEE_NUMBER,
        username=settings.OIDC_CLAIM_USERNAME,
    )


def refuse(request: HttpRequest, code: str, *, claims: Mapping[str, Any]) -> None:
    """Record a refused SSO login and keep its code for the refusal page.

    The account, when the claims name one (``_account_named``); otherwise a
    keyed hash of the subject.
    """
    account = _account_named(claims)
    data: SsoRefused = {"code": code}
    if account is None and claims.get("sub"):
        data["login_ref"] = login_ref(str(claims["sub"]))
    audit_record(
        actor=account,
        event=SSO_REFUSED.refused(data),
        obj=account,
        result=Result.DENIED,
    )
    request.session[REFUSAL_SESSION_KEY] = code


def _account_named(claims: Mapping[str, Any]) -> User | None:
    """Return the account the claims are about, if one is.

    The one bound to their (issuer, subject) first, else the one with their
    employee number: the pair is who the person is, the number only a claim.
    """
    issuer, subject = claims.get("iss"), claims.get("sub")
    if isinstance(issuer, str) and isinstance(subject, str) and issuer and subject:
        bound = User.objects.filter(idp_issuer=issuer, idp_subject=subject).first()
        if bound is not None:
            return bound
    number = claim_at(claims, settings.OIDC_CLAIM_EMPLOYEE_NUMBER)
    if isinstance(number, str | int) and str(number):
        return User.objects.filter(employee_number=str(number)).first()
    return None


class IdentityProviderBackend(OIDCAuthenticationBackend, StaffBackend):
    """Log in through the identity provider; load the user as StaffBackend does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The endpoints are read when a login needs them (``_endpoints``): this
        # backend is built for every permission check too.
        self.UserModel = User

    def _endpoints(self) -> None:
        document = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.issuer = document.get("issuer", settings.OIDC_OP_ISSUER)

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """Only the callback authenticates here (it passes the nonce and verifier).

        A password login asks every backend: this one then says no at once.
        """
        if request is None or "code_verifier" not in kwargs or not sso_enabled():
            return None
        self._endpoints()
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_user(self, user_id: Any) -> User | None:
        return StaffBackend.get_user(self, user_id)

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """The library's check, with a minute's leeway for the provider's clock.

        PyJWT checks ``exp``, ``iat`` and ``nbf`` with none: a provider whose clock
        is a second ahead would fail every login.
        """
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("ID token signed with another algorithm")
        claims: dict[str, Any] = jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            options={"verify_aud": False},  # checked in verify_token
            leeway=60,
        )
        return claims

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """Verify the signature and nonce (the library), then issuer, audience, acr."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        if payload.get("iss") != self.issuer or self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another issuer or client")
        self.id_token_claims = payload
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Return the ID token's claims, completed by the userinfo endpoint's.

        The signed ID token wins: Entra puts the app roles only there. A userinfo
        answer about another subject is refused (OpenID Connect Core 5.3.2).
        """
        extra: dict[str, Any] = {}
        if self.OIDC_OP_USER_ENDPOINT:
            extra = super().get_userinfo(access_token, id_token, payload)
            if extra.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo about another subject")
        return {**extra, **payload}

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
        except SuspiciousOperation:
            refuse(self.request, "idp_error", claims=payload)
            return None
        try:
            required = settings.OIDC_REQUIRED_ACR
            if required and payload.get("acr") != required:
                raise RefusedIdentityError("acr")
            identity = identity_from(
                claims, names=claim_names(), role_map=settings.OIDC_ROLE_MAP
            )
            try:
                return account_from_identity(identity)
            except IntegrityError:
                # Two first logins of one person at once: the other one made
                # the account; this one finds it.
                return account_from_identity(identity)
        except RefusedIdentityError as refusal:
            refuse(self.request, refusal.code, claims=claims)
            return None


class SsoBeginView(OIDCAuthenticationRequestView):
    """Send the browser to the identity provider, with state, nonce and PKCE."""

    def __init__(self, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider()["authorization_endpoint"]
        except ProviderUnavailableError:
            refuse(request, "idp_unavailable", claims={})
            return HttpResponseRedirect(reverse("accounts:sso_refused"))
        response: HttpResponse = super().get(request)
        return response


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Come back from the provider: log in, or say why not.

    The library's state, nonce and verifier handling, with the backend called
    directly: through ``auth.authenticate`` a refusal would count as a failed
    password login (django-axes locks the address after a few; the trail would
    say "inloggen mislukt") although no password was typed here.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        states = request.session.get("oidc_states", {})
        state = request.GET.get("state", "")
        if request.GET.get("error") or state not in states or "code" not in request.GET:
            # The user cancelled at the provider, or this is not our request.
            states.pop(state, None)
            request.session.modified = True
            refuse(request, "idp_error", claims={})
            return self.login_failure()
        flow = states.pop(state)
        request.session.save()
        backend = IdentityProviderBackend()
        try:
            user = backend.authenticate(
                request, nonce=flow["nonce"], code_verifier=flow.get("code_verifier")
            )
        except ProviderUnavailableError:
            refuse(request, "idp_unavailable", claims={})
            return self.login_failure()
        except (
            SuspiciousOperation,
            requests.RequestException,
            jwt.PyJWTError,
            KeyError,
            TypeError,
            ValueError,
        ):
            # A code the provider refuses, a token that does not verify, a
            # provider that does not answer.
            refuse(request, "idp_error", claims={})
            return self.login_failure()
        if user is None:
            return self.login_failure()
        user.backend = SSO_BACKEND  # type: ignore[attr-defined]  # as auth.authenticate
        self.user = user
        return self.login_success()

    def login_failure(self) -> HttpResponse:
        return HttpResponseRedirect(reverse("accounts:sso_refused"))

    def login_success(self) -> HttpResponse:
        """Log in, always: ``auth.login`` records the login (``auth.logged_in``)
        even when the same user was logged in already (the library skips it then);
        Django gives a new session key when the session was not theirs."""
        auth.login(self.request, self.user)
        response = HttpResponseRedirect(self.success_url)
        session = self.request.session
        session[SSO_SESSION_KEY] = True
        session.pop(REFUSAL_SESSION_KEY, None)
        if settings.OIDC_TRUSTS_IDP_MFA:
            session[IDP_MFA_SESSION_KEY] = True
        return response


def idp_logout_url(request: HttpRequest, id_token: str | None) -> str | None:
    """Return the provider's end-session URL for this login, if it offers one."""
    try:
        end_session = provider().get("end_session_endpoint")
    except ProviderUnavailableError:
        return None
    if not end_session:
        return None
    query = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(
            reverse(settings.LOGOUT_REDIRECT_URL)
        ),
    }
    if id_token:
        query["id_token_hint"] = id_token
    return f"{end_session}?{urlencode(query)}"


def log_out(request: HttpRequest) -> str | None:
    """Log out here; return where to send the browser to log out at the IdP too."""
    was_sso = bool(request.session.get(SSO_SESSION_KEY))
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    auth.logout(request)
    return idp_logout_url(request, id_token) if was_sso and sso_enabled() else None
