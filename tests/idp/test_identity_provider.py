"""The test identity provider is a real, strict OpenID Connect provider.

Spoken to over HTTP only, as a browser and a client (relying party) would, with
no uwvrec code: its discovery document, the authorization code flow with PKCE,
the ID token checked against its published keys, the refusals a client must
meet (a wrong verifier, a code used twice, an unregistered redirect URI) and
logout started by the client.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException

from tests.html_forms import forms_of
from tests.idp.browser import Browser
from tests.idp.server import IdentityProvider, IdentityProviderError
from uwvrec.localservices import BASE_DIR

# Nothing listens there: the flow stops at the redirect, as a client's callback
# would receive it.
REDIRECT_URI = "http://127.0.0.1:9/oidc/callback/"
POST_LOGOUT_URI = "http://127.0.0.1:9/uitgelogd/"
PASSWORD = "correct horse battery staple"
CLAIMS = {
    "roles": ["employee", "team_lead"],
    "team": "Team Amsterdam A",
    "employee_number": "123456",
    "given_name": "Anna",
    "family_name": "de Vries",
    "email": "anna.devries@uwv.example",
    "acr": "urn:uwv:loa:substantial",
}


@pytest.fixture(scope="module")
def provider(identity_provider: IdentityProvider) -> IdentityProvider:
    identity_provider.set_client(
        redirect_uris=[REDIRECT_URI], post_logout_redirect_uris=[POST_LOGOUT_URI]
    )
    return identity_provider


@pytest.fixture(scope="module")
def discovery(provider: IdentityProvider) -> dict[str, Any]:
    url = f"{provider.issuer}/.well-known/openid-configuration"
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    return dict(response.json())


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Client:
    """What a relying party does: ask for a code with PKCE, then trade it in."""

    def __init__(self, provider: IdentityProvider, discovery: dict[str, Any]) -> None:
        self.provider = provider
        self.discovery = discovery
        self.verifier = secrets.token_urlsafe(48)
        self.state = secrets.token_urlsafe(16)
        self.nonce = secrets.token_urlsafe(16)

    def authorization_params(self, **overrides: str) -> dict[str, str]:
        params = {
            "response_type": "code",
            "client_id": self.provider.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid profile email",
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": s256(self.verifier),
            "code_challenge_method": "S256",
        }
        return params | overrides

    def sign_in(self, browser: Browser, username: str) -> requests.Response:
        """Send the browser to the provider, log in there; return its last answer."""
        endpoint = self.discovery["authorization_endpoint"]
        page = browser.get(endpoint, self.authorization_params())
        assert page.status_code == 200, page.text
        return browser.log_in(page, username, PASSWORD)

    def code(self, response: requests.Response) -> str:
        """Return the code of the redirect back to the client, checking its state."""
        query = callback_query(response)
        assert query["state"] == self.state
        return query["code"]

    def token_request(
        self, code: str, verifier: str | None = None
    ) -> requests.Response:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": self.verifier if verifier is None else verifier,
        }
        auth = (self.provider.client_id, self.provider.client_secret)
        endpoint = self.discovery["token_endpoint"]
        return requests.post(endpoint, data=data, auth=auth, timeout=10)

    def tokens(self, browser: Browser, username: str) -> dict[str, Any]:
        """Run the whole code flow for ``username``; return the token response."""
        response = self.token_request(self.code(self.sign_in(browser, username)))
        assert response.status_code == 200, response.text
        return dict(response.json())


def callback_query(response: requests.Response) -> dict[str, str]:
    """Return the query of the provider's redirect to the client's callback."""
    assert response.is_redirect, (response.status_code, response.text)
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    return dict(parse_qsl(urlsplit(location).query))


def verified_claims(id_token: str, discovery: dict[str, Any]) -> dict[str, Any]:
    """Return the claims of ``id_token`` once its signature matches the JWKS."""
    keys = requests.get(discovery["jwks_uri"], timeout=10).text
    token = jwt.JWT(jwt=id_token, key=jwk.JWKSet.from_json(keys), algs=["RS256"])
    return dict(json.loads(token.claims))


def new_user(provider: IdentityProvider, **claims: Any) -> str:
    username = f"user-{secrets.token_hex(4)}"
    provider.set_user(username, password=PASSWORD, **claims)
    return username


def test_discovery_document_names_the_issuer_and_the_endpoints(provider, discovery):
    assert discovery["issuer"] == provider.issuer
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint",
                 "jwks_uri", "end_session_endpoint"):  # fmt: skip
        assert discovery[name].startswith(provider.issuer + "/"), name
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["response_types_supported"] == ["code"]
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    keys = requests.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert [key["kty"] for key in keys] == ["RSA"]


def test_code_flow_gives_a_signed_id_token_with_the_users_claims(provider, discovery):
    username = new_user(provider, **CLAIMS)
    client = Client(provider, discovery)

    tokens = client.tokens(Browser(provider), username)

    claims = verified_claims(tokens["id_token"], discovery)
    assert claims["iss"] == provider.issuer
    assert claims["aud"] == provider.client_id
    assert claims["nonce"] == client.nonce
    assert claims["sub"] == username
    assert {name: claims[name] for name in CLAIMS} == CLAIMS
    userinfo = requests.get(
        discovery["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    )
    assert userinfo.status_code == 200
    assert userinfo.json() == {**CLAIMS, "sub": username}


def test_id_token_altered_after_signing_fails_the_signature_check(provider, discovery):
    tokens = Client(provider, discovery).tokens(Browser(provider), new_user(provider))
    header, payload, signature = tokens["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(
        json.dumps({**claims, "sub": "someone-else"}).encode()
    )

    with pytest.raises(JWException):
        verified_claims(
            f"{header}.{forged.rstrip(b'=').decode()}.{signature}", discovery
        )


def test_claims_set_again_replace_the_earlier_ones(provider, discovery):
    username = new_user(provider, **CLAIMS)
    provider.set_user(username, password=PASSWORD, roles=["auditor"])

    tokens = Client(provider, discovery).tokens(Browser(provider), username)

    claims = verified_claims(tokens["id_token"], discovery)
    assert claims["roles"] == ["auditor"]
    assert (set(CLAIMS) - {"roles"}).isdisjoint(claims)


def test_wrong_password_keeps_the_user_at_the_login_form(provider, discovery):
    username = new_user(provider)
    browser = Browser(provider)
    page = browser.get(
        discovery["authorization_endpoint"],
        Client(provider, discovery).authorization_params(),
    )

    response = browser.log_in(page, username, "wrong password")

    assert response.status_code == 200
    assert [f for f in forms_of(response.url, response.text) if "password" in f.names]
    assert provider.sessions(username) == 0


@pytest.mark.parametrize(
    "verifier", ["", "a-verifier-of-another-authorization-request"]
)
def test_token_request_without_the_right_verifier_is_refused(
    provider, discovery, verifier
):
    client = Client(provider, discovery)
    code = client.code(client.sign_in(Browser(provider), new_user(provider)))

    refused = client.token_request(code, verifier=verifier)

    assert refused.status_code == 400
    assert refused.json()["error"] in {"invalid_grant", "invalid_request"}
    assert "id_token" not in refused.json()


@pytest.mark.parametrize(
    "overrides",
    [
        {"code_challenge": "", "code_challenge_method": ""},
        {"code_challenge_method": "plain"},
    ],
    ids=["no-challenge", "plain-challenge"],
)
def test_authorization_without_an_s256_challenge_is_refused(
    provider, discovery, overrides
):
    client = Client(provider, discovery)
    params = {
        key: value
        for key, value in client.authorization_params(**overrides).items()
        if value
    }
    browser = Browser(provider)
    page = browser.get(discovery["authorization_endpoint"], params)

    response = browser.log_in(page, new_user(provider), PASSWORD)

    query = callback_query(response)
    assert query["error"] == "invalid_request"
    assert "code" not in query


def test_a_code_used_twice_is_refused(provider, discovery):
    client = Client(provider, discovery)
    code = client.code(client.sign_in(Browser(provider), new_user(provider)))
    assert client.token_request(code).status_code == 200

    again = client.token_request(code)

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_unregistered_redirect_uri_is_refused_without_a_redirect(provider, discovery):
    client = Client(provider, discovery)
    browser = Browser(provider)
    evil = "http://127.0.0.1:9/elsewhere/"
    page = browser.get(
        discovery["authorization_endpoint"],
        client.authorization_params(redirect_uri=evil),
    )

    # The provider asks who it is first, then refuses to send the code there.
    response = browser.log_in(page, new_user(provider), PASSWORD)

    assert response.status_code == 400
    assert "Location" not in response.headers


def test_logout_from_the_client_ends_the_session_and_returns_to_it(provider, discovery):
    username = new_user(provider)
    browser = Browser(provider)
    tokens = Client(provider, discovery).tokens(browser, username)
    assert provider.sessions(username) == 1

    response = browser.get(
        discovery["end_session_endpoint"],
        {
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": POST_LOGOUT_URI,
            "state": "after-logout",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"{POST_LOGOUT_URI}?state=after-logout"
    assert provider.sessions(username) == 0
    # The next authorization asks for a password again.
    client = Client(provider, discovery)
    page = browser.get(
        discovery["authorization_endpoint"], client.authorization_params()
    )
    assert page.status_code == 200
    assert [f for f in forms_of(page.url, page.text) if "password" in f.names]


def test_logout_to_an_unregistered_uri_is_refused(provider, discovery):
    username = new_user(provider)
    browser = Browser(provider)
    tokens = Client(provider, discovery).tokens(browser, username)

    response = browser.get(
        discovery["end_session_endpoint"],
        {"id_token_hint": tokens["id_token"],
         "post_logout_redirect_uri": "http://127.0.0.1:9/elsewhere/"},
    )  # fmt: skip

    assert response.status_code == 400
    assert provider.sessions(username) == 1


def test_control_api_refuses_a_request_without_its_token(provider):
    response = requests.put(
        f"{provider.url}/control/users/intruder",
        json={"password": PASSWORD, "claims": {"roles": ["admin"]}},
        timeout=10,
    )

    assert response.status_code == 401
    with pytest.raises(IdentityProviderError, match="no such user"):
        provider.sessions("intruder")


def test_a_redirect_uri_the_provider_cannot_accept_is_refused(provider):
    with pytest.raises(IdentityProviderError, match="redirect_uris"):
        provider.set_client(redirect_uris=["ftp://127.0.0.1/callback"])


@pytest.fixture
def started_by_hand(tmp_path: Path) -> Iterator[dict[str, str]]:
    """``python -m tests.idp`` as a developer starts it; yield what it printed."""
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"anna": {"password": PASSWORD, "claims": CLAIMS}}))
    command = [sys.executable, "-m", "tests.idp", "--users", str(users),
               "--redirect-uri", REDIRECT_URI]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert server.stdout is not None
        printed = {}
        while "control token" not in printed:
            name, _, value = server.stdout.readline().partition(":")
            assert value, f"the provider stopped printing (exit {server.poll()})"
            printed[name] = value.strip()
        yield printed
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=10)


def test_started_by_hand_it_prints_what_a_client_needs(started_by_hand):
    printed = started_by_hand
    discovery = requests.get(printed["discovery"], timeout=10).json()
    assert printed["issuer"] == discovery["issuer"]
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint",
                 "end_session_endpoint"):  # fmt: skip
        assert printed[name.replace("_", " ")] == discovery[name]
    assert printed["jwks uri"] == discovery["jwks_uri"]

    def client_authenticated(secret: str) -> bool:
        data = {"grant_type": "authorization_code", "code": "no-such-code",
                "redirect_uri": REDIRECT_URI, "code_verifier": "v" * 43}  # fmt: skip
        auth = (printed["client id"], secret)
        answer = requests.post(
            discovery["token_endpoint"], data=data, auth=auth, timeout=10
        )
        return answer.json()["error"] != "invalid_client"

    assert client_authenticated(printed["client secret"])
    assert not client_authenticated("a wrong secret")
    issuer = urlsplit(discovery["issuer"])
    sessions = requests.get(
        f"{issuer.scheme}://{issuer.netloc}/control/users/anna/sessions",
        headers={"Authorization": f"Bearer {printed['control token']}"},
        timeout=10,
    )
    assert sessions.json() == {"username": "anna", "sessions": 0}
