"""A small HTTP client that behaves like a browser a person uses: one at a time.

Standard library only (``http.client``): it keeps cookies, sends the CSRF token
as Django's forms do, follows no redirect by itself, and writes every request it
makes, with its outcome, into a shared ``RequestLog``.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

# What every error page of uwvrec says, and what a page must never show.
DUTCH_ERROR_MARKER = 'lang="nl"'
TRACEBACK_MARKERS = ("Traceback", 'File "/', "Exception Value")


@dataclass(frozen=True)
class Entry:
    """One request as the person saw it."""

    persona: str
    label: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer at all (connection refused, reset, cut off)
    ok: bool
    problem: str = ""
    bad_error_page: bool = False


@dataclass
class RequestLog:
    """Every request of every simulated person, thread-safe."""

    entries: list[Entry] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: Entry) -> None:
        with self._lock:
            self.entries.append(entry)

    def snapshot(self) -> list[Entry]:
        with self._lock:
            return list(self.entries)


@dataclass(frozen=True)
class Page:
    """An answer: ``path`` is the page asked for, ``goes_to`` where it redirects."""

    path: str
    status: int
    location: str
    body: str
    content_type: str

    @property
    def goes_to(self) -> str:
        return urlsplit(self.location).path


class Hiccup(Exception):  # noqa: N818 - what the person experiences
    """The request did not give what the person expected; it is in the log."""


class Browser:
    """One person's browser against the app at 127.0.0.1:``port``."""

    def __init__(self, port: int, persona: str, log: RequestLog) -> None:
        self.port = port
        self.persona = persona
        self.log = log
        self.cookies: dict[str, str] = {}
        self.last_page: Page | None = None
        self.last_entry: Entry | None = None

    def get(self, path: str, label: str, expect: tuple[int, ...] = (200,)) -> Page:
        return self.request("GET", path, label, expect=expect)

    def post(
        self,
        path: str,
        label: str,
        data: dict[str, str] | None = None,
        expect: tuple[int, ...] = (302,),
    ) -> Page:
        return self.request("POST", path, label, data or {}, expect=expect)

    def follow(self, page: Page, label: str) -> Page:
        """GET where a redirect points, until a page answers."""
        for _ in range(5):
            if page.status not in (301, 302, 303):
                return page
            page = self.get(page.goes_to, label, expect=(200, 301, 302, 303))
        raise Hiccup("too many redirects")

    def request(
        self,
        method: str,
        path: str,
        label: str,
        data: dict[str, str] | None = None,
        *,
        expect: tuple[int, ...],
    ) -> Page:
        started = time.monotonic()
        try:
            page = self._send(method, path, data)
        except (OSError, http.client.HTTPException) as error:
            self._log(label, started, 0, False, f"{type(error).__name__}: {error}")
            raise Hiccup(str(error)) from error
        self.last_page = page
        ok = page.status in expect
        bad = page.status >= 500 and not _is_dutch_error_page(page.body)
        problem = "" if ok else f"HTTP {page.status} for {method} {path}"
        self._log(label, started, page.status, ok, problem, bad)
        if not ok:
            raise Hiccup(problem)
        return page

    def _send(self, method: str, path: str, data: dict[str, str] | None) -> Page:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Host": "127.0.0.1", "Connection": "close"}
            if self.cookies:
                headers["Cookie"] = "; ".join(
                    f"{k}={v}" for k, v in self.cookies.items()
                )
            body = None
            if method == "POST":
                body = urlencode(data or {})
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()  # a cut-off stream raises IncompleteRead
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep_cookie(header)
            return Page(
                path=path,
                status=response.status,
                location=response.headers.get("Location", ""),
                body=content.decode("utf-8", errors="replace"),
                content_type=response.headers.get("Content-Type", ""),
            )
        finally:
            connection.close()

    def _keep_cookie(self, header: str) -> None:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or morsel.value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def _log(
        self,
        label: str,
        started: float,
        status: int,
        ok: bool,
        problem: str = "",
        bad: bool = False,
    ) -> None:
        ended = time.monotonic()
        entry = Entry(self.persona, label, started, ended, status, ok, problem, bad)
        self.last_entry = entry
        self.log.add(entry)


def _is_dutch_error_page(body: str) -> bool:
    """An error page of uwvrec's own: Dutch, and without a traceback."""
    return DUTCH_ERROR_MARKER in body and not any(
        marker in body for marker in TRACEBACK_MARKERS
    )


def hidden_value(page: Page, name: str) -> str:
    """Return the value of the hidden input ``name`` on ``page``."""
    match = re.search(
        rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)"', page.body
    )
    if match is None:
        raise Hiccup(f"no hidden field {name} on {page.location or 'the page'}")
    return match[1]
