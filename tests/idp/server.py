"""The tests' handle on a running test identity provider (``python -m tests.idp``).

The provider is a process of its own, in its own process group, spoken to over
HTTP only: the tests reach it as uwvrec reaches a real one.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import requests

from tests.environment import SUITE_SERVICES
from uwvrec.localservices import BASE_DIR, free_port, wait_for_port

CLIENT_ID = "uwvrec"
START_TIMEOUT = 30.0


class IdentityProviderError(RuntimeError):
    """The provider did not start, or refused what the test told it."""


class IdentityProvider:
    """A test identity provider on 127.0.0.1: start it, tell it who exists, stop it."""

    client_id = CLIENT_ID

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/o"
        self.client_secret = secrets.token_urlsafe(32)
        self._control_token = secrets.token_urlsafe(32)
        self._control = requests.Session()
        self._control.headers["Authorization"] = f"Bearer {self._control_token}"
        self._process: subprocess.Popen[bytes] | None = None
        self.log = directory / "idp.log"

    def __enter__(self) -> IdentityProvider:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the provider; return once it listens (set up, migrated, loaded)."""
        env = {
            key: value for key, value in os.environ.items() if key not in SUITE_SERVICES
        }
        env |= {
            "IDP_CLIENT_SECRET": self.client_secret,
            "IDP_CONTROL_TOKEN": self._control_token,
        }
        command = [sys.executable, "-m", "tests.idp", "--port", str(self.port),
                   "--directory", str(self.directory),
                   "--exit-with-parent"]  # fmt: skip
        with self.log.open("wb") as log:
            # A group of its own: stop() reaches gunicorn's worker too.
            self._process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            self._wait_until_serving()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the provider's process group: SIGTERM, then SIGKILL after 10 s."""
        process, self._process = self._process, None
        if process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(10)
        # The worker may outlive its master; nothing of the group may stay.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self._control.close()

    def set_user(self, username: str, *, password: str, **claims: Any) -> None:
        """Create or replace ``username`` with this password and only these claims."""
        path = f"/control/users/{quote(username, safe='')}"
        self._put(path, {"password": password, "claims": claims})

    def set_client(
        self,
        *,
        redirect_uris: Iterable[str],
        post_logout_redirect_uris: Iterable[str] = (),
    ) -> None:
        """Replace the URIs the client may be sent back to, after login and logout."""
        self._put(
            "/control/client",
            {
                "redirect_uris": list(redirect_uris),
                "post_logout_redirect_uris": list(post_logout_redirect_uris),
            },
        )

    def sessions(self, username: str) -> int:
        """Return how many live sessions ``username`` has at the provider."""
        path = f"/control/users/{quote(username, safe='')}/sessions"
        response = self._control.get(f"{self.url}{path}", timeout=10)
        self._check(response)
        return int(response.json()["sessions"])

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of the provider's output, for a failure's message."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def _put(self, path: str, body: dict[str, Any]) -> None:
        self._check(self._control.put(f"{self.url}{path}", json=body, timeout=10))

    def _check(self, response: requests.Response) -> None:
        if not response.ok:
            raise IdentityProviderError(
                f"{response.request.method} {response.url}: {response.status_code} "
                f"{response.text}"
            )

    def _wait_until_serving(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise IdentityProviderError(
                    f"the identity provider exited with {self._process.returncode}:\n"
                    + self.log_tail()
                )
            with suppress(TimeoutError):
                wait_for_port(self.port, timeout=0.5)
                return
        raise IdentityProviderError(
            f"the identity provider did not listen within {START_TIMEOUT} s:\n"
            + self.log_tail()
        )
