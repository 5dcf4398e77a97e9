"""Every URL of the URLconf, as every persona, GET and POST: the status each gets.

The patterns are walked from ``uwvrec.urls`` (the admin site's included), their ids
filled in with team A's records (``tests/world.py``). ``EXPECTED`` below is the one
table of who gets what: a new URL pattern fails here until its access is decided,
and an entry whose pattern is gone fails too.

Team A's employee and team lead own the records the URLs name; the "other team"
personas belong to team B, which has records of its own. A POST asserts access,
not validation: an allowed POST gives a page with the form's errors (200, or 400
where the page says so), a redirect when it went through, and a refused one a
403, 404 or 405. Every request runs in a savepoint that is rolled back, so no POST
changes what a later cell finds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests import tally
from tests.urlconf import ROUTES, ServerError, path_of
from tests.world import PERSONAS, World, rolled_back

# The module's records live in one transaction (the ``world`` fixture); the mark
# runs these tests with the others that roll back, before the transactional tests
# empty the tables that migrations filled.
pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST")

# A redirect to a login page: the app's (``/inloggen/``) or the admin site's.
LOGIN = "login"
LOGIN_PATHS = ("/inloggen/", "/beheer/login/")

Cells = dict[str, tuple[int | str, ...]]


def everyone(get: int | str, post: int | str) -> Cells:
    """The same status for every logged-in persona; anonymous users log in first."""
    return {"GET": (LOGIN, *[get] * 6), "POST": (LOGIN, *[post] * 6)}


def admin_only(get: int | str, post: int | str) -> Cells:
    """An admin-site page: the admin role gets ``get``/``post``, the rest log in."""
    return {"GET": (LOGIN, *[LOGIN] * 5, get), "POST": (LOGIN, *[LOGIN] * 5, post)}


def admin_model(
    *, view: bool, add: bool = False, change: bool = False, delete: bool = False
) -> dict[str, Cells]:
    """The pages of one model in the admin site, by what the admin role may do.

    Reading is allowed where the role has the view permission (personal data
    included: the admin role reads clients and conversations there); without it
    every page is a 403. None of the models here may be deleted by the role.
    """
    read = 200 if view or change else 403
    return {
        "changelist": admin_only(read, read),
        "add": admin_only(*(200, 200) if add else (403, 403)),
        "history": admin_only(read, read),
        # A POST without the confirmation's fields asks for it again.
        "delete": admin_only(*(200, 200) if delete else (403, 403)),
        "change": admin_only(read, 200 if change else 403),
        # The old URL of the change page redirects to it, whatever the rights.
        "redirect": admin_only(302, 302),
    }


ADMIN_MODELS = {
    "audit_auditevent": admin_model(view=False),
    "auth_group": admin_model(view=True),
    "accounts_team": admin_model(view=True, add=True, change=True),
    "accounts_user": admin_model(view=True, add=True, change=True),
    "rules_ruletext": admin_model(view=True, add=True),
    "conversations_client": admin_model(view=True),
    "conversations_conversation": admin_model(view=True),
    "conversations_participant": admin_model(view=True),
    "conversations_decision": admin_model(view=True),
    "violations_violationreport": admin_model(view=False),
    "violations_violationevent": admin_model(view=False),
    "violations_notification": admin_model(view=True),
    # Failed logins that count towards a lock; deleting one lifts it (audited).
    "axes_accessattempt": admin_model(view=True, delete=True),
    # Second factors: read, and removed for a user who lost theirs (audited).
    "accounts_authenticatorapp": admin_model(view=True, delete=True),
    "accounts_recoverycodes": admin_model(view=True, delete=True),
    "passkeys_passkey": admin_model(view=True, delete=True),
}


def _admin_model_entries() -> Iterator[tuple[str, Cells]]:
    for model, pages in ADMIN_MODELS.items():
        app, name = model.split("_", 1)
        for page, cells in pages.items():
            if page == "redirect":
                yield f"beheer/{app}/{name}/<path:object_id>/", cells
            else:
                yield f"admin:{model}_{page}", cells


# fmt: off
# Columns, in the order of PERSONAS: anonymous, employee, employee_other_team (B),
# team_lead, team_lead_other_team (B), auditor, admin.
#                anon       emp       emp B      lead       lead B     audit    admin
EXPECTED: dict[str, Cells] = {
    # Signing in and out, the home page, the rule texts: every logged-in user.
    "accounts:home": everyone(200, 405),
    "accounts:login": {
        "GET":  (200,       302,      302,       302,       302,       302,     302),
        "POST": (200,       302,      302,       302,       302,       302,     302),
    },
    "accounts:logout": everyone(405, 302),
    # The second factor: the privileged roles' own (employees need none). These
    # sessions passed it, so entering a code or setting up an app (they have one)
    # leads on; the QR code exists only while an app is being set up.
    "accounts:second_factor": {
        "GET":  (LOGIN,     403,      403,       200,       200,       200,     200),
        "POST": (LOGIN,     403,      403,       405,       405,       405,     405),
    },
    "accounts:second_factor_verify": {
        "GET":  (LOGIN,     403,      403,       302,       302,       302,     302),
        "POST": (LOGIN,     403,      403,       302,       302,       302,     302),
    },
    "accounts:second_factor_setup": {
        "GET":  (LOGIN,     403,      403,       302,       302,       302,     302),
        "POST": (LOGIN,     403,      403,       302,       302,       302,     302),
    },
    "accounts:second_factor_qr": {
        "GET":  (LOGIN,     403,      403,       404,       404,       404,     404),
        "POST": (LOGIN,     403,      403,       405,       405,       405,     405),
    },
    # Shown once after they are made; a POST makes new ones.
    "accounts:recovery_codes": {
        "GET":  (LOGIN,     403,      403,       200,       200,       200,     200),
        "POST": (LOGIN,     403,      403,       302,       302,       302,     302),
    },
    "accounts:authenticator_remove": {
        "GET":  (LOGIN,     403,      403,       200,       200,       200,     200),
        "POST": (LOGIN,     403,      403,       302,       302,       302,     302),
    },
    # Passkeys (offered on the test client's host). The ceremonies' JSON steps are
    # POSTs of the privileged roles; without a ceremony begun in the session the
    # second step is a 400. An employee's is refused in JSON (403). Team A's lead
    # has the passkey the URL names: it is no one else's to remove.
    "accounts:passkey_add_begin": {
        "GET":  (LOGIN,     403,      403,       405,       405,       405,     405),
        "POST": (LOGIN,     403,      403,       200,       200,       200,     200),
    },
    "accounts:passkey_add_complete": {
        "GET":  (LOGIN,     403,      403,       405,       405,       405,     405),
        "POST": (LOGIN,     403,      403,       400,       400,       400,     400),
    },
    "accounts:passkey_verify_begin": {
        "GET":  (LOGIN,     403,      403,       405,       405,       405,     405),
        "POST": (LOGIN,     403,      403,       200,       200,       200,     200),
    },
    "accounts:passkey_verify_complete": {
        "GET":  (LOGIN,     403,      403,       405,       405,       405,     405),
        "POST": (LOGIN,     403,      403,       400,       400,       400,     400),
    },
    "accounts:passkey_catalog": everyone(200, 405),
    "accounts:passkey_remove": {
        "GET":  (LOGIN,     403,      403,       200,       404,       404,     404),
        "POST": (LOGIN,     403,      403,       302,       404,       404,     404),
    },
    # Single sign-on is not configured here: absent (tests/accounts/test_sso.py
    # walks it with a provider). Only GET is served.
    "accounts:sso_begin": {"GET": (404,) * 7, "POST": (405,) * 7},
    "accounts:sso_callback": {"GET": (404,) * 7, "POST": (405,) * 7},
    "accounts:sso_refused": {"GET": (404,) * 7, "POST": (405,) * 7},
    "rules:handout": everyone(200, 405),
    "rules:handout_language": everyone(200, 405),
    "rules:handout_pdf": everyone(200, 405),
    "rules:phone_script": everyone(200, 405),
    "set_language": {
        "GET":  (302,       302,      302,       302,       302,       302,     302),
        "POST": (302,       302,      302,       302,       302,       302,     302),
    },
    "health": {
        "GET":  (200,       200,      200,       200,       200,       200,     200),
        "POST": (405,       405,      405,       405,       405,       405,     405),
    },
    # The audit trail: auditors everything, team leads their own team's.
    # Filters are posted, kept in the session, and shown after a redirect.
    "audit:trail": {
        "GET":  (LOGIN,     403,      403,       200,       200,       200,     403),
        "POST": (LOGIN,     403,      403,       303,       303,       303,     403),
    },
    "audit:trail_client": {
        "GET":  (LOGIN,     405,      405,       405,       405,       405,     405),
        "POST": (LOGIN,     403,      403,       200,       200,       200,     403),
    },
    "audit:event": {
        "GET":  (LOGIN,     403,      403,       200,       404,       200,     403),
        "POST": (LOGIN,     405,      405,       405,       405,       405,     405),
    },
    "audit:export": {
        "GET":  (LOGIN,     405,      405,       405,       405,       405,     405),
        "POST": (LOGIN,     403,      403,       200,       200,       200,     403),
    },
    # Team A's lead asked for the export job; the other team's lead is not shown it.
    "audit:export_job": {
        "GET":  (LOGIN,     403,      403,       200,       404,       200,     403),
        "POST": (LOGIN,     405,      405,       405,       405,       405,     405),
    },
    "audit:export_download": {
        "GET":  (LOGIN,     403,      403,       200,       404,       200,     403),
        "POST": (LOGIN,     405,      405,       405,       405,       405,     405),
    },
    # The integrity check: every reviewer reads the last check and takes the
    # checker (team leads export too); only auditors start a check and follow it.
    "audit:verification": {
        "GET":  (LOGIN,     403,      403,       200,       200,       200,     403),
        "POST": (LOGIN,     405,      405,       405,       405,       405,     405),
    },
    "audit:verification_run": {
        "GET":  (LOGIN,     405,      405,       405,       405,       405,     405),
        "POST": (LOGIN,     403,      403,       403,       403,       303,     403),
    },
    "audit:verification_job": {
        "GET":  (LOGIN,     403,      403,       403,       403,       200,     403),
        "POST": (LOGIN,     405,      405,       405,       405,       405,     405),
    },
    "audit:checker": {
        "GET":  (LOGIN,     403,      403,       200,       200,       200,     403),
        "POST": (LOGIN,     405,      405,       405,       405,       405,     405),
    },
    # Conversations: employees run them, team leads read them, both of their team.
    "conversations:list": {
        "GET":  (LOGIN,     200,      200,       200,       200,       403,     403),
        "POST": (LOGIN,     405,      405,       405,       405,       403,     403),
    },
    "conversations:past": {
        "GET":  (LOGIN,     200,      200,       200,       200,       403,     403),
        "POST": (LOGIN,     405,      405,       405,       405,       403,     403),
    },
    "conversations:create": {
        "GET":  (LOGIN,     200,      200,       403,       403,       403,     403),
        "POST": (LOGIN,     200,      200,       403,       403,       403,     403),
    },
    "conversations:phone_call": {
        "GET":  (LOGIN,     200,      200,       403,       403,       403,     403),
        "POST": (LOGIN,     200,      200,       403,       403,       403,     403),
    },
    "conversations:detail": {
        "GET":  (LOGIN,     200,      404,       200,       404,       403,     403),
        "POST": (LOGIN,     405,      404,       405,       404,       403,     403),
    },
    "conversations:reschedule": {
        "GET":  (LOGIN,     200,      404,       403,       404,       403,     403),
        "POST": (LOGIN,     200,      404,       403,       404,       403,     403),
    },
    # An empty form is all a cancellation needs: the POST goes through.
    "conversations:cancel": {
        "GET":  (LOGIN,     200,      404,       403,       404,       403,     403),
        "POST": (LOGIN,     302,      404,       403,       404,       403,     403),
    },
    "conversations:conclude": {
        "GET":  (LOGIN,     200,      404,       403,       404,       403,     403),
        "POST": (LOGIN,     200,      404,       403,       404,       403,     403),
    },
    "conversations:checklist": {
        "GET":  (LOGIN,     302,      404,       403,       404,       403,     403),
        "POST": (LOGIN,     405,      404,       403,       404,       403,     403),
    },
    "conversations:consent": {
        "GET":  (LOGIN,     200,      404,       403,       404,       403,     403),
        "POST": (LOGIN,     200,      404,       403,       404,       403,     403),
    },
    "conversations:step": {
        "GET":  (LOGIN,     200,      404,       403,       404,       403,     403),
        "POST": (LOGIN,     200,      404,       403,       404,       403,     403),
    },
    "conversations:participant_add": {
        "GET":  (LOGIN,     405,      404,       403,       404,       403,     403),
        "POST": (LOGIN,     200,      404,       403,       404,       403,     403),
    },
    "conversations:participant_remove": {
        "GET":  (LOGIN,     405,      404,       403,       404,       403,     403),
        "POST": (LOGIN,     302,      404,       403,       404,       403,     403),
    },
    # Violations: employees report, team leads decide, auditors read; others 404.
    "violations:queue": {
        "GET":  (LOGIN,     404,      404,       200,       200,       200,     404),
        "POST": (LOGIN,     404,      404,       405,       405,       405,     404),
    },
    "violations:flagged": {
        "GET":  (LOGIN,     404,      404,       200,       200,       200,     404),
        "POST": (LOGIN,     404,      404,       405,       405,       405,     404),
    },
    "violations:report": {
        "GET":  (LOGIN,     200,      404,       404,       404,       404,     404),
        "POST": (LOGIN,     200,      404,       404,       404,       404,     404),
    },
    # A method a page does not serve is refused (405) before the report is looked
    # up, whoever asks: that says nothing about the report.
    "violations:detail": {
        "GET":  (LOGIN,     404,      404,       200,       404,       200,     404),
        "POST": (LOGIN,     404,      404,       405,       405,       405,     404),
    },
    # Auditors read reports; deciding on one is refused (and recorded).
    "violations:decide": {
        "GET":  (LOGIN,     404,      404,       405,       405,       405,     404),
        "POST": (LOGIN,     404,      404,       302,       404,       403,     404),
    },
    "violations:withdraw": {
        "GET":  (LOGIN,     404,      404,       405,       405,       405,     404),
        "POST": (LOGIN,     404,      404,       302,       404,       403,     404),
    },
    "violations:letter": {
        "GET":  (LOGIN,     404,      404,       200,       404,       404,     404),
        "POST": (LOGIN,     404,      404,       405,       405,       405,     404),
    },
    "violations:letter_pdf": {
        "GET":  (LOGIN,     404,      404,       200,       404,       404,     404),
        "POST": (LOGIN,     404,      404,       405,       405,       405,     404),
    },
    # Messages (berichten) go to team members; without a team there are none.
    "violations:notifications": {
        "GET":  (LOGIN,     200,      200,       200,       200,       404,     404),
        "POST": (LOGIN,     405,      405,       405,       405,       404,     404),
    },
    "violations:notification_count": {
        "GET":  (LOGIN,     200,      200,       200,       200,       404,     404),
        "POST": (LOGIN,     405,      405,       405,       405,       404,     404),
    },
    # Privacy: auditors and admins read the retention schedule (a page only
    # read); auditors place, read and lift legal holds, everyone else is refused
    # (recorded) before the hold is looked up.
    "privacy:schedule": {
        "GET":  (LOGIN,     403,      403,       403,       403,       200,     200),
        "POST": (LOGIN,     405,      405,       405,       405,       405,     405),
    },
    "privacy:holds": {
        "GET":  (LOGIN,     403,      403,       403,       403,       200,     403),
        "POST": (LOGIN,     403,      403,       403,       403,       405,     403),
    },
    "privacy:hold_place": {
        "GET":  (LOGIN,     403,      403,       403,       403,       200,     403),
        "POST": (LOGIN,     403,      403,       403,       403,       200,     403),
    },
    "privacy:hold_detail": {
        "GET":  (LOGIN,     403,      403,       403,       403,       200,     403),
        "POST": (LOGIN,     403,      403,       403,       403,       405,     403),
    },
    # Asking to lift a standing hold goes through; agreeing to one another
    # auditor asked to lift too.
    "privacy:hold_lift_request": {
        "GET":  (LOGIN,     403,      403,       403,       403,       405,     403),
        "POST": (LOGIN,     403,      403,       403,       403,       302,     403),
    },
    "privacy:hold_lift_agree": {
        "GET":  (LOGIN,     403,      403,       403,       403,       405,     403),
        "POST": (LOGIN,     403,      403,       403,       403,       302,     403),
    },
    # Erasure (AVG art. 17): team leads and auditors; everyone else is refused
    # (recorded) before the request is looked up. The world's request was asked
    # by the auditor about team A's client: team A's lead agrees or declines (it
    # goes through), the auditor who asked is refused on the page (four eyes),
    # team B's lead does not see it. A method a page does not serve is refused
    # (405) before the request is looked up.
    "privacy:erasures": {
        "GET":  (LOGIN,     403,      403,       200,       200,       200,     403),
        "POST": (LOGIN,     403,      403,       405,       405,       405,     403),
    },
    "privacy:erasure_request": {
        "GET":  (LOGIN,     403,      403,       200,       200,       200,     403),
        "POST": (LOGIN,     403,      403,       200,       200,       200,     403),
    },
    "privacy:erasure_detail": {
        "GET":  (LOGIN,     403,      403,       200,       404,       200,     403),
        "POST": (LOGIN,     403,      403,       405,       405,       405,     403),
    },
    "privacy:erasure_approve": {
        "GET":  (LOGIN,     403,      403,       405,       405,       405,     403),
        "POST": (LOGIN,     403,      403,       302,       404,       400,     403),
    },
    "privacy:erasure_decline": {
        "GET":  (LOGIN,     403,      403,       405,       405,       405,     403),
        "POST": (LOGIN,     403,      403,       302,       404,       400,     403),
    },
    # Access exports (AVG art. 15): auditors ask for them; an export is seen and
    # downloaded by the auditor who asked only (another auditor: 404, below).
    "privacy:access": {
        "GET":  (LOGIN,     403,      403,       403,       403,       200,     403),
        "POST": (LOGIN,     403,      403,       403,       403,       405,     403),
    },
    "privacy:access_request": {
        "GET":  (LOGIN,     403,      403,       403,       403,       200,     403),
        "POST": (LOGIN,     403,      403,       403,       403,       200,     403),
    },
    "privacy:access_detail": {
        "GET":  (LOGIN,     403,      403,       403,       403,       200,     403),
        "POST": (LOGIN,     403,      403,       403,       403,       405,     403),
    },
    "privacy:access_download": {
        "GET":  (LOGIN,     403,      403,       403,       403,       200,     403),
        "POST": (LOGIN,     403,      403,       403,       403,       405,     403),
    },
    # The admin site: the admin role only; everyone else is sent to its login.
    "admin:index": admin_only(200, 200),
    "admin:login": {
        "GET":  (200,       200,      200,       200,       200,       200,     302),
        "POST": (200,       200,      200,       200,       200,       200,     200),
    },
    # Logging out of the admin site without its rights leads to its index.
    "admin:logout": {
        "GET":  (LOGIN,     302,      302,       302,       302,       302,     405),
        "POST": (LOGIN,     302,      302,       302,       302,       302,     LOGIN),
    },
    "admin:password_change": admin_only(200, 200),
    "admin:password_change_done": admin_only(200, 405),
    "admin:autocomplete": admin_only(200, 405),
    "admin:jsi18n": admin_only(200, 405),
    # The models here have no page of their own on the site to lead to.
    "admin:view_on_site": admin_only(404, 404),
    "admin:app_list": admin_only(200, 200),
    "beheer/(?P<url>.*)$": admin_only(404, 404),
    # Nobody in the admin role sets another user's password: a reset goes to them.
    "admin:auth_user_password_change": admin_only(403, 403),
    **dict(_admin_model_entries()),
}
# fmt: on

# What a POST sends where an empty form would be refused before access is decided
# (or would not reach the path worth checking).
POST_DATA: dict[str, dict[str, str]] = {
    "audit:export": {"format": "csv"},
    "violations:decide": {"decision": "confirm", "reason": "Zelf gezien."},
    "violations:withdraw": {"withdraw-reason": "Een vergissing."},
    "privacy:hold_lift_request": {"lift-reason": "De zaak is afgesloten."},
    "privacy:erasure_decline": {"decline-reason": "Er loopt nog een bezwaar."},
}
QUERIES: dict[str, dict[str, str]] = {
    "admin:autocomplete": {
        "app_label": "accounts",
        "model_name": "user",
        "field_name": "team",
    },
}


def request(world: World, persona: str, method: str, url: str, data: dict) -> Any:
    """Make one request as ``persona``; an exception is returned as a 500 would be."""
    client = world.client(persona)
    with rolled_back():
        try:
            response = (
                client.get(url) if method == "GET" else client.post(url, data or {})
            )
            if response.streaming:
                # Read to the end: the test client closes it then, as a server would.
                b"".join(response.streaming_content)
        except Exception as error:  # the server would have answered 500
            return ServerError(error)
    return response


def describe(response: Any) -> str:
    if isinstance(response, ServerError):
        return f"500, {response}"
    location = response.get("Location", "") if hasattr(response, "get") else ""
    return f"{response.status_code}" + (f" to {location}" if location else "")


def matches(expected: int | str, response: Any) -> bool:
    if expected == LOGIN:
        location = urlsplit(response.get("Location", "")).path
        return response.status_code == 302 and location in LOGIN_PATHS
    return response.status_code == expected


tally.note(
    "persona matrix cells",
    f"{len(ROUTES)} URL patterns x {len(PERSONAS)} personas x {len(METHODS)} methods",
)
CELLS = [
    pytest.param(key, method, persona, id=f"{key}-{method}-{persona}")
    for key in ROUTES
    for method in METHODS
    for persona in PERSONAS
]


def test_every_pattern_has_its_access_decided():
    missing = sorted(set(ROUTES) - set(EXPECTED))
    assert not missing, (
        f"URL patterns without an entry in EXPECTED ({__file__}): decide who may "
        f"reach them: {missing}"
    )


def test_every_entry_names_a_pattern_that_exists():
    stale = sorted(set(EXPECTED) - set(ROUTES))
    assert not stale, f"EXPECTED has entries for patterns that are gone: {stale}"


def test_every_entry_has_a_status_for_each_persona_and_method():
    malformed = [
        key
        for key, cells in EXPECTED.items()
        if set(cells) != set(METHODS)
        or any(len(row) != len(PERSONAS) for row in cells.values())
    ]
    assert not malformed


@pytest.mark.parametrize(("key", "method", "persona"), CELLS)
def test_access(world, key, method, persona):
    route = ROUTES[key]
    assert key in EXPECTED, f"no entry in EXPECTED for the URL pattern {key!r}"
    expected = EXPECTED[key][method][PERSONAS.index(persona)]
    query = QUERIES.get(key)
    url = path_of(route, world) + (f"?{urlencode(query)}" if query else "")
    response = request(world, persona, method, url, POST_DATA.get(key, {}))
    tally.count("persona matrix cells", server_error=response.status_code == 500)
    cell = f"{method} {url} as {persona}"
    assert response.status_code != 500, f"{cell}: {describe(response)}"
    assert matches(expected, response), (
        f"{cell}: expected {expected}, got {describe(response)}"
    )


# --- Sessions that did not pass their second factor yet -------------------------

# What such a session opens besides its step's pages: the way out, the language
# switch and the health check. Everything else redirects to the step.
OPEN_BEFORE_SECOND_FACTOR: dict[str, dict[str, int]] = {
    "accounts:logout": {"GET": 405, "POST": 302},
    "set_language": {"GET": 302, "POST": 302},
    "health": {"GET": 200, "POST": 405},
}
# The step of each unverified session (tests/world.py), and the pages of it: a
# POST of an empty form shows the form again with its error.
STEPS: dict[str, tuple[str, dict[str, dict[str, int]]]] = {
    "team_lead_unverified": (
        "/tweede-factor/controleren/",
        {
            "accounts:second_factor_verify": {"GET": 200, "POST": 200},
            # Passing it with a passkey: no ceremony begun yet, so its end is a 400.
            "accounts:passkey_verify_begin": {"GET": 405, "POST": 200},
            "accounts:passkey_verify_complete": {"GET": 405, "POST": 400},
            "accounts:passkey_catalog": {"GET": 200, "POST": 405},
        },
    ),
    "auditor_without_app": (
        "/tweede-factor/instellen/",
        {
            "accounts:second_factor_setup": {"GET": 200, "POST": 200},
            "accounts:second_factor_qr": {"GET": 200, "POST": 405},
        },
    ),
}
UNVERIFIED_CELLS = [
    pytest.param(key, method, persona, id=f"{key}-{method}-{persona}")
    for key in ROUTES
    for method in METHODS
    for persona in STEPS
]


@pytest.mark.parametrize(("key", "method", "persona"), UNVERIFIED_CELLS)
def test_an_unverified_session_reaches_only_its_second_factor(
    world, key, method, persona
):
    step, own_pages = STEPS[persona]
    query = QUERIES.get(key)
    url = path_of(ROUTES[key], world) + (f"?{urlencode(query)}" if query else "")
    response = request(world, persona, method, url, POST_DATA.get(key, {}))
    tally.count("persona matrix cells", server_error=response.status_code == 500)
    cell = f"{method} {url} as {persona}"
    assert response.status_code != 500, f"{cell}: {describe(response)}"
    allowed = {**OPEN_BEFORE_SECOND_FACTOR, **own_pages}.get(key)
    if allowed is not None:
        assert response.status_code == allowed[method], f"{cell}: {describe(response)}"
        return
    location = urlsplit(response.get("Location", ""))
    assert (response.status_code, location.path) == (302, step), (
        f"{cell}: expected a redirect to {step}, got {describe(response)}"
    )
    # Back to the page asked for afterwards; a form sent is not sent again.
    expected_next = {"next": [url]} if method == "GET" else {}
    assert parse_qs(location.query) == expected_next, f"{cell}: {describe(response)}"
