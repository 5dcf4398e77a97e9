"""The review's filters under careless and hostile input: no 500, a Dutch message,
nothing personal stored, recorded, logged or put in a URL."""

import io
import logging
import re

import pytest
import structlog
from django.urls import reverse

from audit.catalogue import Action, Result
from audit.models import AuditEvent
from audit.views import FILTERS_SESSION_KEY
from tests.audit.review import TRAIL, add_event, filtered, filtered_url

pytestmark = pytest.mark.django_db

EXPORT = reverse("audit:export")
CLIENT_SEARCH = reverse("audit:trail_client")
BSN_MESSAGE = "Vul hier geen burgerservicenummer (BSN) in."
BOUNDS_MESSAGE = "Kies een datum van 1 januari 2000 tot en met 31 december 2100."
BSN = "999990019"  # passes the eleven-test


def summary_entry(field: str, label: str, message: str) -> str:
    """Return the error summary's line for ``field``, linking to it."""
    return f'<a class="alert-link" href="#id_{field}">{label}: {message}</a>'


def recorded(user, action: Action) -> AuditEvent:
    return AuditEvent.objects.filter(actor_id=user.pk, action=action).latest("id")


def nothing_kept(client) -> bool:
    return FILTERS_SESSION_KEY not in client.session


# --- Dates and numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "label", "value"),
    [
        ("date_to", "Tot en met (datum)", "9999-12-31"),
        ("date_from", "Van (datum)", "9999-12-31"),
        ("date_from", "Van (datum)", "0001-01-01"),
        ("date_to", "Tot en met (datum)", "01-01-0001"),
        ("date_from", "Van (datum)", "1999-12-31"),
        ("date_to", "Tot en met (datum)", "2101-01-01"),
    ],
)
def test_a_date_outside_the_trails_range_is_explained_in_dutch(
    client, auditor, field, label, value
):
    client.force_login(auditor)
    response = client.post(TRAIL, {field: value})
    assert response.status_code == 200
    assert summary_entry(field, label, BOUNDS_MESSAGE) in response.text
    assert "page" not in response.context
    assert nothing_kept(client)
    refused = recorded(auditor, Action.TRAIL_VIEWED)
    assert (refused.result, refused.data) == (
        Result.FAILED,
        {"errors": {field: ["out_of_range"]}},
    )


def test_the_first_and_last_day_of_the_range_are_taken(client, auditor, employee):
    client.force_login(auditor)
    response = filtered(
        client,
        {"employee": employee.pk, "date_from": "2000-01-01", "date_to": "2100-12-31"},
    )
    assert response.status_code == 200
    assert response.context["page"].rows == []


@pytest.mark.parametrize("value", ["9" * 30, "-1", "0", "1e9", "12.5"])
def test_a_huge_negative_or_odd_employee_number_is_not_a_choice(client, auditor, value):
    client.force_login(auditor)
    response = client.post(TRAIL, {"employee": value})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze." in response.text
    assert nothing_kept(client)


@pytest.mark.parametrize("object_id", ["9" * 30, "-1", "0"])
def test_a_huge_or_negative_object_id_finds_nothing(client, auditor, object_id):
    add_event(auditor, object_type="accounts.team", object_id="7")
    client.force_login(auditor)
    response = filtered(
        client, {"object_type": "accounts.team", "object_id": object_id}
    )
    assert response.status_code == 200
    assert response.context["page"].rows == []


def test_a_thirty_digit_cursor_is_a_bad_request_explained_in_dutch(client, auditor):
    client.force_login(auditor)
    response = client.get(TRAIL, {"cursor": "9" * 30})
    assert response.status_code == 400
    assert "De link naar oudere gebeurtenissen klopt niet." in response.text


# --- A BSN anywhere in a filter ---------------------------------------------------


@pytest.mark.parametrize(
    ("field", "label", "value"),
    [
        ("object_id", "Object (id)", f"x{BSN}"),
        ("object_id", "Object (id)", f"klant {BSN} kamer 2"),
        ("object_id", "Object (id)", BSN),
        ("date_from", "Van (datum)", BSN),
        ("employee", "Medewerker", BSN),
    ],
)
def test_a_bsn_in_any_filter_is_refused_and_never_stored_or_shown(
    client, auditor, field, label, value
):
    client.force_login(auditor)
    response = client.post(TRAIL, {"object_type": "conversations.client", field: value})
    assert response.status_code == 200
    assert summary_entry(field, label, BSN_MESSAGE) in response.text
    assert BSN not in response.text
    assert nothing_kept(client)
    refused = recorded(auditor, Action.TRAIL_VIEWED)
    assert (refused.result, refused.data) == (
        Result.FAILED,
        {"errors": {field: ["bsn"]}},
    )
    assert not AuditEvent.objects.filter(data__icontains=BSN).exists()


def test_an_export_with_filters_in_its_link_is_refused_and_exports_nothing(
    client, auditor, employee
):
    add_event(employee)
    client.force_login(auditor)
    response = client.post(
        f"{EXPORT}?object_type=conversations.client&object_id=x{BSN}",
        {"format": "csv"},
    )
    assert (response.status_code, response["Location"]) == (303, TRAIL)
    page = client.get(TRAIL)
    assert (
        "Er is niets geëxporteerd: filters in een link of los meegestuurd worden "
        "niet gebruikt." in page.text
    )
    assert BSN not in page.text
    refused = recorded(auditor, Action.TRAIL_EXPORTED)
    assert (refused.result, refused.data) == (
        Result.FAILED,
        {"errors": {"object_type": ["not_read_here"], "object_id": ["not_read_here"]}},
    )


def test_an_export_with_filters_in_its_body_is_refused_too(client, auditor):
    client.force_login(auditor)
    response = client.post(
        EXPORT,
        {"format": "csv", "object_type": "conversations.client", "object_id": BSN},
    )
    assert (response.status_code, response["Location"]) == (303, TRAIL)
    refused = recorded(auditor, Action.TRAIL_EXPORTED)
    assert refused.data["errors"]["object_id"] == ["not_read_here"]


def test_kept_filters_are_checked_again_before_an_export(client, auditor):
    """Filters kept before this screen existed (or planted) meet the same screen."""
    client.force_login(auditor)
    session = client.session
    session[FILTERS_SESSION_KEY] = {
        "oud": {"object_type": "conversations.client", "object_id": f"x{BSN}"}
    }
    session.save()
    response = client.post(EXPORT, {"filters": "oud", "format": "jsonl"})
    assert response.status_code == 303
    refused = recorded(auditor, Action.TRAIL_EXPORTED)
    assert (refused.result, refused.data) == (
        Result.FAILED,
        {"errors": {"object_id": ["bsn"]}},
    )
    page = client.get(response["Location"])
    assert "Er is niets geëxporteerd: de filters kloppen niet." in page.text
    assert summary_entry("object_id", "Object (id)", BSN_MESSAGE) in page.text
    assert BSN not in page.text


def test_an_export_of_lost_filters_says_so_and_exports_nothing(client, auditor):
    client.force_login(auditor)
    response = client.post(EXPORT, {"filters": "weg", "format": "csv"})
    assert (response.status_code, response["Location"]) == (303, TRAIL)
    page = client.get(TRAIL)
    assert "Er is niets geëxporteerd: de filters zijn niet meer bewaard" in page.text
    assert recorded(auditor, Action.TRAIL_EXPORTED).data == {
        "errors": {"filters": ["lost"]}
    }


# --- Filters are posted: the URL holds a token ------------------------------------


def test_filtering_redirects_to_a_url_with_only_a_token(client, auditor, employee):
    client.force_login(auditor)
    url = filtered_url(
        client,
        {"employee": employee.pk, "object_type": "accounts.team", "object_id": "4242"},
    )
    assert re.fullmatch(r"/audit/\?filters=[\w-]{8}", url)
    again = filtered_url(
        client,
        {"employee": employee.pk, "object_type": "accounts.team", "object_id": "4242"},
    )
    assert again == url  # the same filters, the same link: the history stays short
    page = client.get(url)
    assert page.context["form"]["object_id"].value() == "4242"
    assert 'name="filters" value="' in page.text  # the export posts the same token


def test_the_session_keeps_the_last_twenty_sets_of_filters(client, auditor):
    client.force_login(auditor)
    urls = [filtered_url(client, {"object_id": str(n), "object_type": "accounts.team"})
            for n in range(21)]  # fmt: skip
    assert "niet meer bewaard" in client.get(urls[0]).text
    for url in (urls[1], urls[-1]):
        assert client.get(url).context["page"] is not None


def test_an_employee_with_an_old_link_is_refused_not_redirected(client, employee):
    client.force_login(employee)
    response = client.get(TRAIL, {"object_id": "12"})
    assert response.status_code == 403
    assert recorded(employee, Action.TRAIL_VIEWED).result == Result.DENIED


def test_a_link_of_filters_no_longer_kept_says_so(client, auditor):
    client.force_login(auditor)
    response = client.get(TRAIL, {"filters": "verlopen"})
    assert response.status_code == 200
    assert "De filters van deze link zijn niet meer bewaard" in response.text
    assert "page" not in response.context


def test_filters_in_an_old_link_are_not_read_nor_shown(client, auditor, employee):
    own = add_event(employee, object_type="accounts.team", object_id="1")
    client.force_login(auditor)
    response = client.get(TRAIL, {"object_type": "conversations.client",
                                  "object_id": f"x{BSN}"})  # fmt: skip
    assert (response.status_code, response["Location"]) == (303, TRAIL)
    page = client.get(TRAIL)
    assert "Filters in een link worden niet gebruikt" in page.text
    assert own.pk in [event.pk for event in page.context["page"].rows]
    assert recorded(auditor, Action.TRAIL_VIEWED).data == {"filters": {}}


@pytest.fixture
def app_log() -> io.StringIO:
    """What the app's own log handler writes meanwhile, as an operator reads it."""
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)
    )
    stream = io.StringIO()
    previous = console.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    console.setStream(previous)  # type: ignore[attr-defined]


def test_no_log_line_or_url_holds_what_was_typed_into_the_filters(
    client, auditor, app_log
):
    for _ in range(51):  # a second page, so the link to it is followed too
        add_event(auditor, object_type="accounts.team", object_id="424242")
    client.force_login(auditor)
    client.post(TRAIL, {"object_type": "conversations.client", "object_id": BSN})
    url = filtered_url(client, {"object_type": "accounts.team", "object_id": "424242"})
    page = client.get(url)
    older = page.context["older_query"]
    links = re.findall(r'(?:href|action)="([^"]*)"', page.text)
    client.get(f"{TRAIL}?{older}")
    token = url.split("filters=")[1]
    export = client.post(EXPORT, {"filters": token, "format": "csv"})
    assert export.status_code == 200
    b"".join(export.streaming_content)

    log = app_log.getvalue()
    assert "request_finished" in log
    assert f"request='POST {TRAIL}'" in log
    assert f"request='GET {TRAIL}'" in log  # the path only, never a query string
    assert token not in log
    assert BSN not in log
    assert "424242" not in log
    assert "object_id" not in log
    assert not [link for link in [url, older, *links] if "424242" in link]


# --- The client's BSN --------------------------------------------------------------


@pytest.mark.parametrize("typed", ["123456789", "1234 5678 9", "12345678901234"])
def test_a_wrong_bsn_is_not_written_back_into_the_page(client, auditor, typed):
    client.force_login(auditor)
    response = client.post(CLIENT_SEARCH, {"bsn": typed})
    assert response.status_code == 200
    assert "bsn" in response.context["client_form"].errors
    assert typed not in response.text
    assert typed.replace(" ", "") not in response.text
    assert 'name="bsn"' in response.text
    assert nothing_kept(client)
    refused = recorded(auditor, Action.TRAIL_VIEWED)
    assert refused.result == Result.FAILED
    assert list(refused.data["errors"]) == ["bsn"]


# --- No caching of any of it ---------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        lambda client: client.get(TRAIL),
        lambda client: client.post(TRAIL, {"object_id": BSN}),
        lambda client: client.post(TRAIL, {"action": "auth.logged_in"}),
        lambda client: client.post(CLIENT_SEARCH, {"bsn": "123456789"}),
        lambda client: client.post(CLIENT_SEARCH, {"bsn": "111222333"}),
        lambda client: client.post(EXPORT, {"filters": "weg", "format": "csv"}),
    ],
    ids=["list", "refused", "redirect", "wrong-bsn", "client", "export-refused"],
)
def test_every_review_response_is_kept_out_of_caches(client, auditor, send):
    client.force_login(auditor)
    response = send(client)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
