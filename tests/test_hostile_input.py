"""Hostile input on every form the app serves, and hostile ids on every URL.

Each form is read from the page that shows it (``tests/html_forms.py``), so every
field it has is tried, a field added later too. Starting from a submission that
is accepted, one field at a time gets each value of ``HOSTILE``. Whatever comes
back, the server never answers 500, never writes a BSN into the audit trail,
never echoes markup unescaped and never redirects off the site. A value the
field's type refuses must be refused, with a Dutch message, and store nothing; an
accepted value must leave pages that still open. Every request is undone after
(a savepoint), so each starts from the same records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_from_bytes, urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import tally
from tests.factories import valid_bsn
from tests.html_forms import HtmlForm, forms_of
from tests.second_factor import app_code
from tests.urlconf import ROUTES, Route, ServerError, path_of
from tests.world import World, rolled_back

# The module's records live in one transaction (the ``world`` fixture); the mark
# runs these tests with the others that roll back, before the transactional tests
# empty the tables that migrations filled.
pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "Een-heel-lang-nieuw-wachtwoord-2026"


class Missing:
    """The field is left out of the submission altogether."""


@dataclasses.dataclass(frozen=True)
class Raw:
    """Bytes sent as they are in the urlencoded body, not percent-encoded."""

    data: bytes


SCRIPT = '<script>alert("x")</script>'
HOSTILE: dict[str, str | Raw | Missing] = {
    "empty": "",
    "missing": Missing(),
    "100,000 characters": "x" * 100_000,
    "NUL": "a\x00b",
    "invalid UTF-8": Raw(b"\xff\xfe\xfa"),
    "huge number": "9" * 30,
    "negative number": "-1",
    "0001-01-01": "0001-01-01",
    "9999-12-31": "9999-12-31",
    "2009-12-31, before the first policy": "2009-12-31",
    "BSN in text": "klant 999990019 kamer 2",
    "BSN": "111222333",
    "BSN in a word": "x123456782",
    "HTML": f"{SCRIPT}<b>vet</b>",
    "SQL": "'; DROP TABLE conversations_client; --",
}
BSN_KINDS = frozenset({"BSN in text", "BSN", "BSN in a word"})
INJECTED_BSNS = ("999990019", "111222333", "123456782")

# What each kind of field must do with each hostile value.
REFUSED, EITHER, MASKED = "refused", "either", "refused, or stored without the BSN"
ALL = frozenset(HOSTILE)
BLANK = frozenset({"empty", "missing"})
BROKEN_TEXT = frozenset({"100,000 characters", "NUL"})
DATES = frozenset({"0001-01-01", "9999-12-31", "2009-12-31, before the first policy"})


def expect(refused: frozenset[str] = frozenset(), masked: frozenset[str] = frozenset()):
    return {
        kind: REFUSED if kind in refused else MASKED if kind in masked else EITHER
        for kind in HOSTILE
    }


TYPES: dict[str, dict[str, str]] = {
    # A required choice (radios, a select) takes none of them.
    "choice": expect(ALL),
    "choice?": expect(ALL - BLANK),
    # Free text takes any text, within its length.
    "text": expect(BLANK | BROKEN_TEXT),
    "text?": expect(BROKEN_TEXT),
    "long text": expect(BLANK | {"NUL"}),
    # Free text about a person or a place: a BSN typed there is kept out.
    "personal": expect(BLANK | BROKEN_TEXT, masked=BSN_KINDS),
    "personal?": expect(BROKEN_TEXT, masked=BSN_KINDS),
    # A date or time that is not one, or out of any sensible range.
    "date": expect(ALL),
    "date?": expect(ALL - BLANK - DATES),
    "time": expect(ALL),
    # A number the page itself fills in (a hidden field).
    "number": expect(ALL),
    "checkbox": expect(BLANK),
    "bsn": expect(ALL - {"BSN"}),
    # A login with anything but the right name and password.
    "secret": expect(ALL),
    # A filter on an object id finds nothing for junk, but never takes a BSN.
    "object_id": expect(BROKEN_TEXT | BSN_KINDS),
    # A user name: letters, digits and @.+-_, never a BSN.
    "username": expect(
        BLANK | BROKEN_TEXT | {"BSN in text", "HTML", "SQL"}, masked=BSN_KINDS
    ),
    "email?": expect(ALL - BLANK),
    # Only the checks every request gets (no 500, no BSN in the trail...).
    "any": expect(),
}

Url = Callable[[World], str]


def url(name: str, *attrs: str) -> Url:
    """Return a URL maker: ``url("conversations:detail", "open")`` for team A's."""

    def make(world: World) -> str:
        args = []
        for attr in attrs:
            obj: Any = world.a
            for part in attr.split("."):
                obj = getattr(obj, part)
            args.append(obj.pk)
        return reverse(name, args=args)

    return make


def step(slug: str, conversation: str = "open") -> Url:
    return lambda w: reverse(
        "conversations:step", args=[getattr(w.a, conversation).pk, slug]
    )


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


@dataclasses.dataclass(frozen=True)
class Case:
    """One form: where it is, who fills it in, and what each of its fields is."""

    name: str
    persona: str
    action: Url  # where the form is sent
    types: dict[str, str]  # its fields; a field of the page not named is "any"
    valid: Callable[[World], dict[str, str]] = lambda w: {}
    page: Url | None = None  # where the form is shown, if not at ``action``
    method: str = "POST"
    # Fields in the query string (a filter, an export's filters) with a fixed body.
    in_query: bool = False
    body: dict[str, str] = dataclasses.field(default_factory=dict)
    # How to tell an accepted input: "stored" (a row changed), "redirect",
    # "200" (a download), "clean" (the page came back without an error).
    accepted: str = "stored"
    dutch: bool = True  # a refusal is told in Dutch (not for links and searches)
    follow: bool = False  # open the conversation's pages after an accepted input
    # Fields the view reads that its form does not show (set by links: a page's
    # cursor, the client found by BSN).
    off_page: tuple[str, ...] = ()
    # Try only the fields named in ``types`` (the admin's user form has dozens
    # of Django's own, each a checkbox or a select of permissions).
    named_only: bool = False

    def __str__(self) -> str:
        return self.name


CONVERSATION_FILTERS = {
    "scheduled_at__year": "any",
    "scheduled_at__month": "any",
    "scheduled_at__day": "any",
    "status__exact": "any",
    "team__id__exact": "any",
    "q": "any",
}
TRAIL_FILTERS = {
    "date_from": "date?",
    "date_to": "date?",
    "employee": "choice?",
    "action": "choice?",
    "result": "choice?",
    "object_type": "choice?",
    "object_id": "object_id",
    "client": "choice?",
}
SECRETS = {"username": "secret", "password": "secret"}


def _app_code_of(user: Any) -> str:
    return app_code(TOTPDevice.objects.get(user=user))


CASES = [
    # A code of the second factor: the app's, a recovery code, or nothing to pass.
    Case("second factor", "team_lead_unverified", url("accounts:second_factor_verify"),
         {"code": "secret"}, valid=lambda w: {"code": _app_code_of(w.a.team_lead)},
         accepted="redirect"),
    Case("second factor set-up", "auditor_without_app",
         url("accounts:second_factor_setup"), {"code": "secret"},
         valid=lambda w: {"code": _app_code_of(w.auditor_without_app)},
         accepted="redirect"),
    Case("login", "anonymous", url("accounts:login"), SECRETS,
         valid=lambda w: {"username": w.a.employee.username, "password": PASSWORD}),
    Case("admin login", "anonymous", url("admin:login"), SECRETS,
         valid=lambda w: {"username": w.admin.username, "password": PASSWORD}),
    Case("appointment", "employee", url("conversations:create"), {
        "bsn": "bsn", "display_name": "personal?", "date": "date", "time": "time",
        "channel": "choice", "kind": "choice", "place": "personal?",
    }, valid=lambda w: {
        "bsn": valid_bsn(), "display_name": "Nieuwe Klant", "date": tomorrow(),
        "time": "00:05", "channel": "face_to_face", "kind": "regular",
        "place": "Utrecht, kamer 1",
    }, follow=True),
    Case("phone call", "employee", url("conversations:phone_call"), {
        "bsn": "bsn", "display_name": "personal?", "kind": "choice",
    }, valid=lambda w: {
        "bsn": valid_bsn(), "display_name": "Bellende Klant", "kind": "regular",
    }, follow=True),
    Case("reschedule", "employee", url("conversations:reschedule", "planned"), {
        "date": "date", "time": "time", "place": "personal?",
    }, valid=lambda w: {"date": tomorrow(), "time": "00:05", "place": "Zwolle, 2.1"},
         follow=True),
    Case("cancel", "employee", url("conversations:cancel", "planned"), {}),
    Case("conclude", "employee", url("conversations:conclude", "decided"), {
        "client_recorded": "choice", "uwv_recorded": "choice",
    }, valid=lambda w: {"client_recorded": "yes", "uwv_recorded": "no"}),
    Case("checklist: kind", "employee", step("soort"), {"kind": "choice"},
         valid=lambda w: {"kind": "mediation"}, follow=True),
    Case("checklist: wish", "employee", step("opnemen"), {"wish": "choice"},
         valid=lambda w: {"wish": "no"}, follow=True),
    Case("checklist: participants", "employee", step("deelnemers"), {}, follow=True),
    Case("checklist: inform", "employee", step("spelregels"), {
        "told": "checkbox", "rule_text": "number",
    }, valid=lambda w: {"told": "on"}, follow=True),
    Case("checklist: accepts", "employee", step("instemmen"), {"accepts": "choice"},
         valid=lambda w: {"accepts": "no"}, follow=True),
    Case("checklist: consent", "employee",
         url("conversations:consent", "open", "participant"), {"consents": "choice"},
         valid=lambda w: {"consents": "yes"}, follow=True),
    Case("checklist: UWV records", "employee", step("uwv", "ready"),
         {"uwv_records": "choice"}, valid=lambda w: {"uwv_records": "no"},
         follow=True),
    Case("checklist: UWV's reason", "employee", step("uwv-reden", "ready"), {
        "reason": "text", "told": "checkbox",
    }, valid=lambda w: {"reason": "Voor het dossier.", "told": "on"}, follow=True),
    Case("checklist: decide", "employee", step("uitkomst", "ready"),
         {"answers_version": "number"}, follow=True),
    Case("participant", "employee", url("conversations:participant_add", "open"), {
        "name": "personal", "role": "choice",
    }, valid=lambda w: {"name": "Piet Tolk", "role": "interpreter"},
         page=step("deelnemers"), follow=True),
    Case("violation report", "employee", url("violations:report", "open"), {
        "rule": "choice", "what_happened": "text", "happened_on": "date",
        "how_established": "text",
    }, valid=lambda w: {
        "rule": "recorded_secretly", "what_happened": "Nam stiekem op.",
        "happened_on": yesterday(), "how_established": "Zelf gezien.",
    }),
    Case("violation decision", "team_lead", url("violations:decide", "reported"), {
        "decision": "choice", "reason": "text",
    }, valid=lambda w: {"decision": "dismiss", "reason": "Niet vastgesteld."},
         page=url("violations:detail", "reported")),
    Case("violation withdrawal", "team_lead",
         url("violations:withdraw", "confirmed"), {"withdraw-reason": "text"},
         valid=lambda w: {"withdraw-reason": "Een vergissing."},
         page=url("violations:detail", "confirmed")),
    # The filters are posted, kept in the session and shown after a redirect; the
    # export reads only the token of filters this form checked (the export's own
    # refusals of filters sent otherwise: tests/audit/test_review_inputs.py).
    Case("audit filters", "auditor", url("audit:trail"), TRAIL_FILTERS,
         valid=lambda w: {"object_type": "conversations.conversation"},
         accepted="redirect", off_page=("client",)),
    Case("audit client search", "auditor", url("audit:trail_client"), {"bsn": "bsn"},
         valid=lambda w: {"bsn": valid_bsn()}, page=url("audit:trail"),
         accepted="redirect"),
    Case("audit export", "auditor", url("audit:export"), {"format": "choice"},
         valid=lambda w: {"format": "csv"}, page=url("audit:trail"), accepted="200"),
    # Legal holds: the client found by the BSN posted; the reason and the case
    # reference are about a client, so a BSN typed there is kept out.
    Case("legal hold", "auditor", lambda w: reverse("privacy:hold_place"), {
        "bsn": "bsn", "case_reference": "personal", "reason": "personal",
        "until": "date?",
    }, valid=lambda w: {
        "bsn": w.a.decided.client.bsn, "case_reference": "BZW-2026-7",
        "reason": "Beroep loopt.", "until": tomorrow(),
    }),
    Case("legal hold: ask to lift", "auditor",
         lambda w: reverse("privacy:hold_lift_request", args=[w.hold.pk]),
         {"lift-reason": "personal"}, valid=lambda w: {"lift-reason": "Afgesloten."},
         page=lambda w: reverse("privacy:hold_detail", args=[w.hold.pk])),
    Case("legal hold: agree to lift", "auditor",
         lambda w: reverse("privacy:hold_lift_agree", args=[w.hold_asked.pk]), {},
         page=lambda w: reverse("privacy:hold_detail", args=[w.hold_asked.pk])),
    # Erasure: the client found by the BSN posted (a team lead: of the team); the
    # reasons are about a client, so a BSN typed there is kept out.
    Case("erasure request", "team_lead", lambda w: reverse("privacy:erasure_request"),
         {"bsn": "bsn", "reason": "personal"}, valid=lambda w: {
        "bsn": w.a.decided.client.bsn, "reason": "De klant vroeg om wissing.",
    }),
    Case("erasure: decline", "team_lead",
         lambda w: reverse("privacy:erasure_decline", args=[w.erasure.pk]),
         {"decline-reason": "personal"},
         valid=lambda w: {"decline-reason": "Er loopt nog een bezwaar."},
         page=lambda w: reverse("privacy:erasure_detail", args=[w.erasure.pk])),
    Case("erasure: agree", "team_lead",
         lambda w: reverse("privacy:erasure_approve", args=[w.erasure.pk]), {},
         page=lambda w: reverse("privacy:erasure_detail", args=[w.erasure.pk])),
    # An access export: the client found by the BSN posted, never in the URL.
    Case("access export", "auditor", lambda w: reverse("privacy:access_request"),
         {"bsn": "bsn"}, valid=lambda w: {"bsn": w.a.decided.client.bsn},
         accepted="redirect"),
    Case("language", "employee", url("set_language"), {
        "language": "any", "next": "any",
    }, valid=lambda w: {"language": "en", "next": "/"}, page=url("accounts:home"),
         accepted="redirect", dutch=False),
    Case("letter language", "team_lead", url("violations:letter", "confirmed"),
         {"lang": "any"}, method="GET", in_query=True, accepted="clean", dutch=False),
    Case("letter PDF language", "team_lead", url("violations:letter_pdf", "confirmed"),
         {"lang": "any"}, method="GET", in_query=True, accepted="200", dutch=False),
    Case("admin: new team", "admin", url("admin:accounts_team_add"), {
        "name": "text", "division": "choice", "office": "text",
    }, valid=lambda w: {
        "name": "Team Vijandig", "division": "werkbedrijf", "office": "Utrecht",
    }, accepted="redirect"),
    Case("admin: team", "admin", url("admin:accounts_team_change", "team"), {
        "name": "text", "division": "choice", "office": "text",
    }, accepted="redirect"),
    Case("admin: new user", "admin", url("admin:accounts_user_add"), {
        "username": "username",
    }, valid=lambda w: {
        "username": "nieuwe.gebruiker", "usable_password": "false",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "employee_number": "777001",
    }, accepted="redirect", named_only=True),
    Case("admin: user", "admin", url("admin:accounts_user_change", "employee"), {
        "username": "username", "first_name": "text?", "last_name": "text?",
        "email": "email?", "employee_number": "text?", "team": "choice?",
    }, accepted="redirect", named_only=True),
    Case("admin: new rule text", "admin", url("admin:rules_ruletext_add"), {
        "policy_version": "choice", "language": "choice", "audience": "choice",
        "title": "text", "body": "long text",
    }, valid=lambda w: {
        "policy_version": "2017-01", "language": "nl", "audience": "handout",
        "title": "Spelregels", "body": "## Opnemen\n\nAlleen geluid. [R1]",
    }, accepted="redirect"),
    Case("admin: own password", "admin", url("admin:password_change"), {
        "old_password": "secret", "new_password1": "any", "new_password2": "any",
    }, valid=lambda w: {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }, accepted="redirect"),
    Case("admin: search users", "admin", url("admin:accounts_user_changelist"),
         {"q": "any", "team__id__exact": "any", "groups__id__exact": "any"},
         method="GET", in_query=True, accepted="clean", dutch=False),
    Case("admin: search teams", "admin", url("admin:accounts_team_changelist"),
         {"q": "any", "division__exact": "any"},
         method="GET", in_query=True, accepted="clean", dutch=False),
    Case("admin: search clients", "admin",
         url("admin:conversations_client_changelist"), {"q": "any"},
         method="GET", in_query=True, accepted="clean", dutch=False),
    Case("admin: conversations by date", "admin",
         url("admin:conversations_conversation_changelist"), CONVERSATION_FILTERS,
         method="GET", in_query=True, accepted="clean", dutch=False),
    Case("admin: search authenticator apps", "admin",
         url("admin:accounts_authenticatorapp_changelist"), {"q": "any"},
         method="GET", in_query=True, accepted="clean", dutch=False),
    Case("admin: search rule texts", "admin",
         url("admin:rules_ruletext_changelist"), {"q": "any", "language__exact": "any"},
         method="GET", in_query=True, accepted="clean", dutch=False),
    Case("admin: autocomplete", "admin", url("admin:autocomplete"), {
        "term": "any", "app_label": "any", "model_name": "any", "field_name": "any",
    }, valid=lambda w: {
        "app_label": "accounts", "model_name": "user", "field_name": "team",
    }, method="GET", in_query=True, accepted="clean", dutch=False),
]  # fmt: skip

# --- Sending a submission --------------------------------------------------------


def encode(values: dict[str, list[str | Raw]], *, raw_ok: bool) -> str | bytes:
    """Urlencode ``values``; raw bytes stay raw in a body, escaped in a query."""
    parts: list[bytes] = []
    for name, items in values.items():
        for item in items:
            key = quote(name, safe="").encode()
            if isinstance(item, Raw):
                value = item.data if raw_ok else quote_from_bytes(item.data).encode()
            else:
                value = quote(item, safe="").encode()
            parts.append(key + b"=" + value)
    joined = b"&".join(parts)
    return joined if raw_ok else joined.decode("ascii")


def send(world: World, case: Case, values: dict[str, list[str | Raw]]) -> Any:
    """Submit ``values`` as ``case.persona``; an exception comes back as a 500."""
    client = world.client(case.persona)
    action = case.action(world)
    try:
        if case.method == "GET":
            response = client.get(f"{action}?{encode(values, raw_ok=False)}")
        elif case.in_query:
            response = client.post(
                f"{action}?{encode(values, raw_ok=False)}", case.body
            )
        else:
            response = client.post(
                action,
                encode(values, raw_ok=True),
                content_type="application/x-www-form-urlencoded",
            )
        content = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
    except Exception as error:  # the server would have answered 500
        return ServerError(error)
    response.body_text = content.decode(errors="replace")
    return response


# --- What is stored, and what the audit trail holds ------------------------------

_WATCHED_APPS = {"accounts", "auth", "conversations", "violations", "rules", "privacy"}


def _watched_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        # A proxy (the admin's names for roles and failed logins) has the table
        # of its model in another app, which is watched there or not at all.
        if model._meta.app_label in _WATCHED_APPS and not model._meta.proxy
    )


def fingerprint() -> tuple[Any, ...]:
    """Return a digest of every row the forms can write, and the sessions' count."""
    digests = " UNION ALL ".join(
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text),"
        f" '')) FROM {table} t"
        for table in _watched_tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(digests)
        rows = tuple(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM django_session")
        return (*rows, cursor.fetchone())


def stored_anywhere(digits: str) -> list[str]:
    """Return the tables with a row whose text holds ``digits``."""
    found = []
    with connection.cursor() as cursor:
        for table in _watched_tables():
            cursor.execute(
                f"SELECT 1 FROM {table} t WHERE t::text LIKE %s LIMIT 1",
                [f"%{digits}%"],
            )
            if cursor.fetchone():
                found.append(table)
    return found


def last_event_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditevent")
        return cursor.fetchone()[0]


def bsns_audited_since(event_id: int, bsns: tuple[str, ...]) -> list[str]:
    """Return the BSNs found in any event written after ``event_id``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e::text FROM audit_auditevent e WHERE e.id > %s", [event_id]
        )
        rows = [row[0] for row in cursor.fetchall()]
    return sorted({bsn for bsn in bsns for row in rows if bsn in row})


# --- Judging one response --------------------------------------------------------

ERROR_MARKERS = (
    'id="error-summary"',
    'class="errornote"',
    'class="errorlist',
    "invalid-feedback",
    "alert-danger",
    "alert-warning",
    "alert-error",
)
ENGLISH = (
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Select a valid choice",
    "Null characters are not allowed",
    "Please correct the error",
    "Please enter the correct",
    "There is a problem",
    "is not valid",
)


def has_error(response: Any) -> bool:
    return any(marker in response.body_text for marker in ERROR_MARKERS)


def was_accepted(case: Case, response: Any, before: tuple, after: tuple) -> bool:
    if case.accepted == "stored":
        return after != before
    if case.accepted == "redirect":
        return response.status_code in (301, 302, 303)
    # "200" and "clean": the download or the page, without an error.
    return response.status_code == 200 and not has_error(response)


def dutch_refusal(response: Any) -> str | None:
    """Return what is wrong with how a refusal is told, or None when it is Dutch."""
    if response.status_code in (301, 302, 303):
        # Told on the next page, as a message (the checklist's refusals).
        response = response.client.get(response["Location"])
        response.body_text = response.content.decode(errors="replace")
    text = response.body_text
    plain = response.status_code == 400 and "<" not in text
    if not (has_error(response) or (plain and text.strip())):
        return f"refused without a message (HTTP {response.status_code})"
    english = [phrase for phrase in ENGLISH if phrase in text]
    if english:
        return f"the message is English: {english}"
    return None


def conversation_pages(world: World, response: Any) -> Iterator[tuple[str, str]]:
    """Yield the pages that show the conversation an accepted input changed."""
    location = response.get("Location", "") if hasattr(response, "get") else ""
    match = re.match(r"/gesprekken/(\d+)/", location)
    pk = match[1] if match else world.a.open.pk
    yield "employee", f"/gesprekken/{pk}/"
    yield "employee", f"/gesprekken/{pk}/checklist/"
    yield "admin", "/beheer/conversations/conversation/"


FOLLOW_UPS = "pages opened after an accepted hostile input"


def follow_up(world: World, response: Any) -> list[str]:
    problems = []
    for persona, page in conversation_pages(world, response):
        try:
            shown = world.client(persona).get(page, follow=True)
        except Exception as error:  # the server would have answered 500
            tally.count(FOLLOW_UPS, server_error=True)
            problems.append(f"afterwards {page} gives 500: {ServerError(error)}")
            continue
        tally.count(FOLLOW_UPS)
        if SCRIPT in shown.content.decode(errors="replace"):
            problems.append(f"afterwards {page} shows the markup unescaped")
    return problems


@dataclasses.dataclass
class Trial:
    """The state one case starts from: the form's fields and a valid submission."""

    case: Case
    fields: list[str]
    base: dict[str, list[str | Raw]]
    before: tuple[Any, ...]
    bsns: tuple[str, ...]


def checks(
    world: World, trial: Trial, response: Any, accepted: bool, first_event: int
) -> list[str]:
    """Return what is wrong with ``response``, whichever value was sent."""
    problems = []
    if SCRIPT in response.body_text:
        problems.append("the markup comes back unescaped")
    location = response.get("Location", "")
    if urlsplit(location).netloc not in ("", "testserver") or location.startswith("//"):
        problems.append(f"redirects off the site, to {location}")
    if audited := bsns_audited_since(first_event, trial.bsns):
        problems.append(f"the audit trail holds the BSN {audited}")
    if accepted and trial.case.follow:
        problems.extend(follow_up(world, response))
    return problems


# Fields the page fills in itself: tampering with them needs no explanation.
HIDDEN_TYPES = {"number"}


def attempt(
    world: World, trial: Trial, field: str, kind: str, value: str | Raw | Missing
) -> list[str]:
    """Send the valid submission with ``field`` set to the hostile ``value``."""
    case = trial.case
    values = dict(trial.base)
    if isinstance(value, Missing):
        values.pop(field, None)
    else:
        values[field] = [value]
    field_type = case.types.get(field, "any")
    expected = TYPES[field_type].get(kind, EITHER)
    tell = case.dutch and field_type not in HIDDEN_TYPES
    with rolled_back():
        first_event = last_event_id()
        response = send(world, case, values)
        tally.count("hostile inputs", server_error=response.status_code == 500)
        if isinstance(response, ServerError):
            return [f"{field} = {kind}: HTTP 500, {response}"]
        accepted = was_accepted(case, response, trial.before, fingerprint())
        problems = checks(world, trial, response, accepted, first_event)
        if accepted and expected == REFUSED:
            problems.append(f"accepted (HTTP {response.status_code})")
        if accepted and expected == MASKED:
            for bsn in (bsn for bsn in INJECTED_BSNS if bsn in str(value)):
                if tables := stored_anywhere(bsn):
                    problems.append(f"stored the BSN in {tables}")
        if not accepted and tell and (wrong := dutch_refusal(response)):
            problems.append(wrong)
    return [f"{field} = {kind}: {problem}" for problem in problems]


def the_form(world: World, case: Case) -> HtmlForm | None:
    """Return the form ``case`` sends, as its page shows it (None: no page)."""
    if case.in_query and case.page is None:
        return None
    page = (case.page or case.action)(world)
    with rolled_back():
        shown = world.client(case.persona).get(page)
        assert shown.status_code == 200, f"{page}: HTTP {shown.status_code}"
        html = shown.content.decode()
    action = case.action(world)
    for form in forms_of(page, html):
        if urlsplit(form.action).path == action and form.method == case.method:
            return form
    raise AssertionError(f"{page} shows no {case.method} form to {action}")


def trial_of(world: World, case: Case) -> Trial:
    form = the_form(world, case)
    base: dict[str, list[str | Raw]] = {}
    if form is None:
        names = list(case.types)
    else:
        names = [name for name in form.names if name != "csrfmiddlewaretoken"]
        names += [name for name in case.off_page if name not in names]
        base.update({name: list(values) for name, values in form.values.items()})
        base.pop("csrfmiddlewaretoken", None)
    valid = case.valid(world)
    base.update({name: [value] for name, value in valid.items() if name in names})
    bsns = (*INJECTED_BSNS, *(v for v in valid.values() if re.fullmatch(r"\d{9}", v)))
    return Trial(case, names, base, fingerprint(), bsns)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_input_on_every_field(world, case):
    trial = trial_of(world, case)
    missing = sorted(set(case.types) - set(trial.fields))
    assert not missing, f"{case}: the form has no field {missing} any more"
    with rolled_back():
        response = send(world, case, trial.base)
        assert response.status_code != 500, f"{case}, valid: {response}"
        accepted = was_accepted(case, response, trial.before, fingerprint())
    assert accepted, (
        f"{case}: the valid submission {trial.base} was not accepted "
        f"(HTTP {response.status_code}), so the hostile ones would prove nothing"
    )
    fields = [f for f in trial.fields if f in case.types or not case.named_only]
    problems = [
        problem
        for field in fields
        for kind, value in HOSTILE.items()
        for problem in attempt(world, trial, field, kind, value)
    ]
    assert not problems, f"{case}:\n  " + "\n  ".join(problems)


# --- Hostile free text, drawn by Hypothesis -----------------------------------------

# A free-text field of each kind: a place, a person's name, what happened.
FREE_TEXT = {"reschedule": "place", "participant": "name",
             "violation report": "what_happened"}  # fmt: skip
# Any text a browser can send: every code point but the surrogates.
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


@pytest.mark.parametrize(
    "case", [case for case in CASES if case.name in FREE_TEXT], ids=str
)
def test_any_free_text_is_stored_or_refused_in_dutch(world, case):
    trial = trial_of(world, case)
    field = FREE_TEXT[case.name]
    problems: list[str] = []

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(text=texts)
    def free_text(text: str) -> None:
        problems.extend(attempt(world, trial, field, f"{text!r}", text))

    free_text()
    assert not problems, f"{case}:\n  " + "\n  ".join(problems)


# --- Hostile ids in every URL that takes one --------------------------------------

BAD_IDS = {"30 digits": "9" * 30, "negative": "-1"}
REFUSALS = {301, 302, 400, 403, 404, 405}


# Who gets past the access check of a URL, by where it lives.
REACHES = {"/gesprekken/": "employee", "/overtredingen/": "team_lead",
           "/audit/": "auditor", "/privacy/": "auditor",
           "/beheer/": "admin"}  # fmt: skip

ID_ROUTES = [route for route in ROUTES.values() if route.params]


def reaches(route: Route) -> str:
    path = "/" + route.route
    return next(
        (p for start, p in REACHES.items() if path.startswith(start)), "employee"
    )


@pytest.mark.parametrize("route", ID_ROUTES, ids=lambda route: route.key)
def test_hostile_ids_are_refused(world, route):
    persona = reaches(route)
    problems = []
    for param in route.params:
        for name, bad in BAD_IDS.items():
            path = path_of(route, world, **{param: bad})
            for method in ("GET", "POST"):
                with rolled_back():
                    client = world.client(persona)
                    try:
                        response = getattr(client, method.lower())(path)
                        status = response.status_code
                    except Exception as error:  # the server would have answered 500
                        status, response = 500, ServerError(error)
                tally.count("hostile inputs", server_error=status == 500)
                if status not in REFUSALS:
                    problems.append(f"{method} {path} ({param} {name}): {status} "
                                    f"{response if status == 500 else ''}")  # fmt: skip
    assert not problems, f"as {persona}:\n  " + "\n  ".join(problems)
