"""Every page of the Dutch UI, as every persona: no English and no internal codes.

The pages are those of ``tests/test_url_access.py`` that answer a GET with 200 for
a persona (the admin site's changelists, change and add forms included), their ids
filled in with team A's records (``tests/world.py``). Each page's text, without
its tags, scripts and attribute values, must hold none of ``FORBIDDEN``: words
Django or a library leaves in English, the codes and names the code uses, and
times in UTC or ISO form, where a user should read "1 december 2026, 09:00".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.test_url_access import EXPECTED, QUERIES, request
from tests.urlconf import ROUTES, path_of
from tests.world import PERSONAS, World

pytestmark = pytest.mark.django_db

# Whole words, case-sensitive unless a pattern says otherwise.
FORBIDDEN: dict[str, str] = {
    # Django's and the libraries' own English.
    "English permission names": r"\bCan (?:add|change|delete|view)\b",
    "English admin words": (
        r"\b(?:After you|Add another|Choose all|Remove all|Save and|Select all|"
        r"Django administration|Show all|Clear all filters|Model name|Add link|"
        r"Attempted Access|Attempt Time|Attempt Remaining|Username|Axes)\b"
    ),
    # Models and fields without a Dutch name (Django makes one from the code).
    "English model names": (
        r"\b(?:Audit (?:anchor|link|pending|event)|Export job|Conversation|"
        r"Violation ?report|Violation ?event|Notification|Rule ?text|"
        r"Access attempt|TOTP device|Static device|Static token)s?\b"
    ),
    "a field named from its code": r"\bUwv\b|\b(?:[Kk]ind|[Ww]ish) confirmed\b",
    # Codes of roles, engine terms, choices and URL names.
    "role codes": r"\b(?:team_lead|employee|admin)\b(?![@.])",
    "engine codes": (
        r"\b(?:audio_only|home_circle_only|face_to_face|third_person|not_allowed|"
        r"not_requested|uwv_colleague|other_party|client_informed|"
        r"client_accepts_rules|investigation_interview)\b"
    ),
    "rule and status codes": (
        r"\b(?:shared_outside_home|recorded_not_allowed|video_recorded|"
        r"recorded_secretly|third_person_refused|confirmed|dismissed|reported|"
        r"withdrawn|planned|in_checklist|decided|cancelled)\b"
    ),
    "URL names": r"\b(?:conversations|violations|accounts|audit|rules):[a-z_]+\b",
    # Python values written into a page.
    "Python values": r"\b(?:None|True|False)\b",
    "JSON": r'[\[{]\s*"\w+"',
    # Times not in the Dutch form.
    "ISO or UTC time": r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\bUTC\b|\+00:00",
}
PATTERNS = {name: re.compile(pattern) for name, pattern in FORBIDDEN.items()}

# Pages that are not HTML for people to read.
NOT_PAGES = {
    "health",
    "rules:handout_pdf",
    "audit:export_download",
    "admin:jsi18n",
    "admin:autocomplete",
    "violations:notification_count",
    "accounts:second_factor_qr",
}


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def findings(text: str) -> list[str]:
    """Return each forbidden word in ``text``, with the words around it."""
    found = []
    for name, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - 40) : match.end() + 40]
            found.append(f"{name}: {match[0]!r} in …{around}…")
    return found


PAGES = [
    pytest.param(key, persona, id=f"{key}-{persona}")
    for key in ROUTES
    if key not in NOT_PAGES
    for persona in PERSONAS
    if EXPECTED[key]["GET"][PERSONAS.index(persona)] == 200
]


def test_the_list_finds_what_it_is_for():
    assert findings("Can add team")
    assert findings('["audio_only", "home_circle_only"]')
    assert findings("gewoon gesprek 2026-12-01 08:00")
    assert findings("Rol: team_lead")
    assert findings("Conversation: ")
    assert findings("Uwv missing:")
    assert not findings("gewoon gesprek op 1 december 2026, 09:00, medewerker")
    assert not findings("kees@uwv.example, admin.object_viewed")


def test_every_page_of_the_admin_is_crawled():
    crawled = {key for key, _persona in (p.values for p in PAGES)}
    assert {"admin:index", "admin:accounts_user_add", "admin:accounts_user_change"} <= (
        crawled
    )
    assert "admin:conversations_decision_change" in crawled


@pytest.mark.parametrize(("key", "persona"), PAGES)
def test_page_shows_no_english_or_codes(world: World, key: str, persona: str):
    query = QUERIES.get(key)
    url = path_of(ROUTES[key], world) + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )
    response = request(world, persona, "GET", url, {})
    assert response.status_code == 200, url
    if "text/html" not in response.get("Content-Type", ""):
        return
    found = findings(text_of(response.content.decode()))
    assert not found, f"GET {url} as {persona}:\n" + "\n".join(found)
