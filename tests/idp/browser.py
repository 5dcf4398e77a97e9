"""A browser at the test provider, in Python: for tests that need no Chromium."""

from __future__ import annotations

from urllib.parse import urljoin

import requests

from tests.html_forms import forms_of
from tests.idp.server import IdentityProvider


class Browser:
    """A browser at the provider: it keeps cookies and follows the provider's
    redirects, and stops at one that leaves the provider (to the client)."""

    def __init__(self, provider: IdentityProvider) -> None:
        self.provider = provider
        self.session = requests.Session()

    def get(self, url: str, params: dict[str, str] | None = None) -> requests.Response:
        response = self.session.get(
            url, params=params, allow_redirects=False, timeout=10
        )
        return self.follow(response)

    def follow(self, response: requests.Response) -> requests.Response:
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(self.provider.url + "/"):
                break
            response = self.session.get(location, allow_redirects=False, timeout=10)
        return response

    def log_in(
        self, page: requests.Response, username: str, password: str
    ) -> requests.Response:
        """Fill in the login form of ``page`` and send it, as a user would."""
        (form,) = (f for f in forms_of(page.url, page.text) if "password" in f.names)
        data = {name: values[0] for name, values in form.values.items()}
        data |= {"username": username, "password": password}
        response = self.session.post(
            urljoin(page.url, form.action), data=data, allow_redirects=False, timeout=10
        )
        return self.follow(response)
