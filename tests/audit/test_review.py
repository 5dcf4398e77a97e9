"""Reviewing the trail: who sees what, the filters, paging, one event in words."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.models import User
from audit.catalogue import Action, Result
from audit.models import AuditEvent, AuditLink
from audit.payloads import Event
from audit.selectors import (
    InvalidCursorError,
    TrailFilters,
    audit_events_for,
    encode_cursor,
    page_after,
)
from audit.services.record import audit_record
from audit.services.seal import audit_seal
from conversations.bsn import bsn_hash, client_ref_from_hash
from tests.audit.review import add_event, at, filtered, filtered_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TRAIL = reverse("audit:trail")
HOME = reverse("accounts:home")


def event_url(event: AuditEvent) -> str:
    return reverse("audit:event", args=[event.pk])


def listed(response) -> list[int]:
    return [event.pk for event in response.context["page"].rows]


@pytest.fixture
def other_team_member(db) -> User:
    return UserFactory()


# --- Who may look ---------------------------------------------------------------


@pytest.mark.parametrize("url", [TRAIL, reverse("audit:event", args=[1])])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("persona", ["employee", "admin_user"])
def test_employees_and_admins_may_not_see_the_trail_and_are_recorded(
    client, request, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(TRAIL).status_code == 403
    refused = AuditEvent.objects.get(actor_id=user.pk, action=Action.TRAIL_VIEWED)
    assert (refused.result, refused.data) == (Result.DENIED, {})


@pytest.mark.parametrize("persona", ["employee", "admin_user"])
def test_employees_and_admins_may_not_open_an_event_and_are_recorded(
    client, request, persona, other_team_member
):
    user = request.getfixturevalue(persona)
    event = add_event(other_team_member)
    client.force_login(user)
    assert client.get(event_url(event)).status_code == 403
    refused = AuditEvent.objects.get(actor_id=user.pk, action=Action.EVENT_VIEWED)
    assert (refused.result, refused.object_type, refused.object_id) == (
        Result.DENIED,
        "audit.auditevent",
        str(event.pk),
    )


def test_a_team_lead_sees_the_events_of_their_own_team_only(
    client, team_lead, employee, other_team_member
):
    own = add_event(employee)
    other = add_event(other_team_member)
    client.force_login(team_lead)
    response = client.get(TRAIL)
    assert response.status_code == 200
    assert own.pk in listed(response)
    assert other.pk not in listed(response)
    assert f"U ziet de gebeurtenissen van uw team: {employee.team.name}." in (
        response.text
    )


def test_a_team_lead_gets_not_found_for_another_teams_event(
    client, team_lead, other_team_member
):
    event = add_event(other_team_member)
    client.force_login(team_lead)
    assert client.get(event_url(event)).status_code == 404
    assert not AuditEvent.objects.filter(
        actor_id=team_lead.pk, action=Action.EVENT_VIEWED
    ).exists()


def test_a_team_lead_without_a_team_sees_no_events_of_staff_without_one(
    client, auditor
):
    lead = UserFactory(team_lead=True, team=None)
    teamless = add_event(auditor)  # auditors have no team
    client.force_login(lead)
    response = client.get(TRAIL)
    assert response.status_code == 200
    assert teamless.pk not in listed(response)
    assert client.get(event_url(teamless)).status_code == 404


def test_an_auditor_sees_every_team(client, auditor, employee, other_team_member):
    events = [add_event(employee), add_event(other_team_member), add_event(None)]
    client.force_login(auditor)
    response = client.get(TRAIL)
    assert {event.pk for event in events} <= set(listed(response))
    assert "U ziet alle gebeurtenissen" in response.text
    for event in events:
        assert client.get(event_url(event)).status_code == 200


def test_whoever_holds_the_permission_sees_every_team(other_team_member):
    user = UserFactory(is_superuser=True)
    event = add_event(other_team_member)
    assert audit_events_for(user=user).filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    ("persona", "linked"),
    [
        ("employee", False),
        ("team_lead", True),
        ("auditor", True),
        ("admin_user", False),
    ],
)
def test_the_home_page_links_reviewers_to_the_trail(client, request, persona, linked):
    client.force_login(request.getfixturevalue(persona))
    home = client.get(HOME).text
    assert (f'<a href="{TRAIL}" class="fw-semibold">Audittrail</a>' in home) is linked


# --- Looking is recorded --------------------------------------------------------


def test_viewing_the_list_is_recorded_with_the_filters(client, auditor, employee):
    client.force_login(auditor)
    filtered(
        client,
        {
            "employee": employee.pk,
            "action": Action.LOGGED_IN,
            "date_from": "2026-11-01",
        },
    )
    viewed = AuditEvent.objects.get(actor_id=auditor.pk, action=Action.TRAIL_VIEWED)
    assert viewed.result == Result.SUCCESS
    assert viewed.data == {
        "filters": {
            "actor_id": employee.pk,
            "action": "auth.logged_in",
            "date_from": "2026-11-01",
        }
    }
    assert viewed.origin == "web"


def test_viewing_an_event_is_recorded_with_the_event(client, auditor, employee):
    event = add_event(employee)
    client.force_login(auditor)
    client.get(event_url(event))
    viewed = AuditEvent.objects.get(actor_id=auditor.pk, action=Action.EVENT_VIEWED)
    assert (viewed.object_type, viewed.object_id, viewed.result, viewed.data) == (
        "audit.auditevent",
        str(event.pk),
        Result.SUCCESS,
        {},
    )


# --- Filters --------------------------------------------------------------------


def test_the_period_is_whole_days_in_amsterdam_across_a_clock_change(
    client, auditor, employee
):
    # 29 March 2026: clocks go from 02:00 to 03:00 in Amsterdam.
    before = add_event(employee, occurred_at=at(2026, 3, 28, 23, 59, 59, 999999))
    first = add_event(employee, occurred_at=at(2026, 3, 29, 0, 0))
    last = add_event(employee, occurred_at=at(2026, 3, 29, 23, 59, 59, 999999))
    after = add_event(employee, occurred_at=at(2026, 3, 30, 0, 0))
    client.force_login(auditor)
    response = filtered(
        client,
        {"employee": employee.pk, "date_from": "2026-03-29", "date_to": "2026-03-29"},
    )
    assert listed(response) == [last.pk, first.pk]
    response = filtered(client, {"employee": employee.pk, "date_to": "2026-03-28"})
    assert listed(response) == [before.pk]
    response = filtered(client, {"employee": employee.pk, "date_from": "30-03-2026"})
    assert after.pk in listed(response)
    assert not {before.pk, first.pk, last.pk} & set(listed(response))


def test_filters_by_employee_action_result_and_object(
    client, auditor, employee, other_team_member
):
    login = add_event(employee)
    refused = add_event(employee, action=Action.TRAIL_VIEWED, result=Result.DENIED)
    change = add_event(
        employee,
        action=Action.ADMIN_CHANGED,
        object_type="accounts.team",
        object_id="77",
    )
    elsewhere = add_event(other_team_member, action=Action.ADMIN_CHANGED)
    client.force_login(auditor)

    def found(**query):
        return listed(filtered(client, query))

    assert found(employee=employee.pk) == [change.pk, refused.pk, login.pk]
    assert found(employee=employee.pk, action=Action.ADMIN_CHANGED) == [change.pk]
    assert found(employee=employee.pk, result=Result.DENIED) == [refused.pk]
    assert found(object_type="accounts.team", object_id="77") == [change.pk]
    assert elsewhere.pk in found(action=Action.ADMIN_CHANGED)


def test_a_team_lead_can_only_pick_employees_of_their_team(
    client, team_lead, employee, other_team_member
):
    client.force_login(team_lead)
    response = client.get(TRAIL)
    choices = {
        str(value) for value, _ in response.context["form"]["employee"].field.choices
    }
    assert str(employee.pk) in choices
    assert str(other_team_member.pk) not in choices
    response = client.post(TRAIL, {"employee": other_team_member.pk})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.text


def test_a_period_that_ends_before_it_starts_is_explained_in_dutch(client, auditor):
    client.force_login(auditor)
    response = client.post(TRAIL, {"date_from": "2026-11-28", "date_to": "2026-11-01"})
    assert response.status_code == 200
    assert (
        '<a class="alert-link" href="#id_date_to">Tot en met (datum): De einddatum '
        "mag niet vóór de begindatum liggen.</a>" in response.text
    )
    assert "page" not in response.context
    refused = AuditEvent.objects.get(actor_id=auditor.pk, action=Action.TRAIL_VIEWED)
    assert (refused.result, refused.data) == (
        Result.FAILED,
        {"errors": {"date_to": ["period"]}},
    )


def test_a_bsn_is_never_taken_as_an_object_id(client, auditor):
    client.force_login(auditor)
    response = client.post(
        TRAIL, {"object_type": "accounts.user", "object_id": "111222333"}
    )
    assert response.status_code == 200
    assert "Vul hier geen burgerservicenummer (BSN) in." in response.text


def test_an_object_id_needs_its_type(client, auditor):
    client.force_login(auditor)
    response = client.post(TRAIL, {"object_id": "12"})
    assert response.status_code == 200
    assert "Kies de soort object bij een object-id." in response.text


# --- Keyset pagination ------------------------------------------------------------


def mine(user: User):
    return audit_events_for(user=user, filters=TrailFilters(actor_id=user.pk))


def test_exactly_one_page_has_no_next_page(auditor):
    for _ in range(3):
        add_event(auditor)
    page = page_after(mine(auditor), None, size=3)
    assert len(page.rows) == 3
    assert page.next_cursor is None


def test_one_more_than_a_page_pages_on_to_the_last_row(auditor):
    events = [add_event(auditor) for _ in range(4)]
    first = page_after(mine(auditor), None, size=3)
    assert [e.pk for e in first.rows] == [e.pk for e in reversed(events[1:])]
    second = page_after(mine(auditor), first.next_cursor, size=3)
    assert [e.pk for e in second.rows] == [events[0].pk]
    assert second.next_cursor is None


def test_events_of_the_same_microsecond_are_paged_by_id_without_gaps(auditor):
    moment = at(2026, 11, 28, 14, 30, 5, 123456)
    same = [add_event(auditor, occurred_at=moment) for _ in range(5)]
    older = add_event(auditor, occurred_at=moment - dt.timedelta(microseconds=1))
    seen, cursor = [], None
    while True:
        page = page_after(mine(auditor), cursor, size=2)
        assert len(page.rows) <= 2
        seen += [event.pk for event in page.rows]
        if not (cursor := page.next_cursor):
            break
    assert seen == [e.pk for e in reversed(same)] + [older.pk]


def test_a_changed_cursor_is_refused(auditor):
    event = add_event(auditor)
    token = encode_cursor(event)
    for forged in (token[:-2] + "xx", "abc", token.replace(":", ";", 1)):
        with pytest.raises(InvalidCursorError):
            page_after(mine(auditor), forged)


def test_the_list_pages_by_fifty_with_links_to_older_and_newest(
    client, auditor, employee
):
    for _ in range(50):
        add_event(employee)
    client.force_login(auditor)
    url = filtered_url(client, {"employee": employee.pk})
    response = client.get(url)
    assert len(listed(response)) == 50
    assert 'rel="next"' not in response.text

    oldest = add_event(employee, occurred_at=at(2020, 1, 1))
    response = client.get(url)
    assert len(listed(response)) == 50
    older = re.search(
        r'href="\?([^"]+)" rel="next">Oudere gebeurtenissen', response.text
    )
    assert older, "no link to older events"
    response = client.get(f"{TRAIL}?{older.group(1).replace('&amp;', '&')}")
    assert listed(response) == [oldest.pk]
    assert 'rel="next"' not in response.text
    newest = url.removeprefix(TRAIL)
    assert f'<a class="page-link" href="{newest}">Nieuwste</a>' in response.text


def test_a_changed_cursor_in_the_url_is_explained_in_dutch(client, auditor):
    client.force_login(auditor)
    response = client.get(TRAIL, {"cursor": "niet-echt:xyz"})
    assert response.status_code == 400
    assert "De link naar oudere gebeurtenissen klopt niet." in response.text


def test_the_list_costs_the_same_queries_however_many_events(
    client, auditor, django_assert_num_queries
):
    client.force_login(auditor)
    employee = UserFactory()
    add_event(employee, object_type="accounts.team", object_id="1")
    url = filtered_url(client, {"employee": employee.pk})
    client.get(url)  # warm up: the content types
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(url).status_code == 200
    for _ in range(60):
        add_event(
            employee,
            action=Action.ADMIN_CHANGED,
            object_type="accounts.team",
            object_id="1",
        )
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert len(listed(response)) == 50


# The session; the user with their team and roles; the authenticator app that
# verified the session (django-otp); the employee filtered on; one page of events;
# the record of viewing them (in a savepoint here); the employee choices; the
# names of the teams on the page. The session itself is saved at most once a
# minute, not on these requests.
LIST_QUERIES = 8


# --- One event --------------------------------------------------------------------


def test_an_event_shows_its_changes_in_words(client, auditor, employee):
    event = add_event(
        employee,
        action=Action.ADMIN_CHANGED,
        object_type="accounts.team",
        object_id=str(employee.team_id),
        changes={
            "office": {"before": "Utrecht", "after": "Zwolle"},
            "division": {"before": "klant_en_service", "after": "werkbedrijf"},
            "password": {"hidden": True},
        },
    )
    client.force_login(auditor)
    page = client.get(event_url(event)).text
    assert "<li>Vestiging: Utrecht → Zwolle</li>" in page
    assert "<li>Divisie: Klant &amp; Service → WERKbedrijf</li>" in page
    assert "<li>Wachtwoord: gewijzigd (niet vastgelegd)</li>" in page
    assert employee.team.name in page  # the team by name, not "Team 12"
    assert "nog niet in de keten opgenomen" in page


def test_an_event_shows_its_time_in_dutch_and_its_place_in_the_chain(
    client, auditor, employee
):
    event = add_event(employee, occurred_at=at(2026, 11, 28, 14, 30, 5))
    while audit_seal():
        pass
    client.force_login(auditor)
    page = client.get(event_url(event)).text
    link = AuditLink.objects.get(event_id=event.pk)
    assert "28 november 2026, 14:30:05" in page
    assert f'<dd class="col-sm-7">{link.seq}</dd>' in page
    assert f"<code>{link.hash}</code>" in page


def test_the_list_shows_time_employee_action_and_result_in_words(
    client, auditor, employee
):
    add_event(
        employee,
        occurred_at=at(2026, 11, 28, 14, 30, 5),
        action=Action.TRAIL_VIEWED,
        result=Result.DENIED,
    )
    client.force_login(auditor)
    page = filtered(client, {"employee": employee.pk}).text
    assert "28 november 2026, 14:30:05</time>" in page
    assert f"<td>{employee.get_full_name()}</td>" in page
    assert "<td>audittrail bekeken</td>" in page
    assert '<span aria-hidden="true">⊘</span> geweigerd' in page


def test_the_trail_reads_in_english_too(client, auditor, employee):
    add_event(employee, action=Action.ADMIN_CHANGED, result=Result.DENIED)
    client.force_login(auditor)
    page = filtered(
        client, {"employee": employee.pk}, headers={"accept-language": "en"}
    )
    assert '<h1 class="h2 mb-3">Audit trail</h1>' in page.text
    assert ">Export as CSV</button>" in page.text
    assert '<span aria-hidden="true">⊘</span> refused' in page.text
    assert "<td>changed in administration</td>" in page.text


CLIENT_BSN = "111222333"


def test_a_client_is_found_by_a_posted_bsn_and_never_named_in_the_url(client, db):
    auditor = UserFactory(auditor=True)
    ref = client_ref_from_hash(bsn_hash(CLIENT_BSN))
    mine = audit_record(actor=auditor, event=Event(Action.LOGGED_IN), client_ref=ref)
    other = audit_record(
        actor=auditor, event=Event(Action.LOGGED_IN), client_ref="klant-gggg"
    )
    client.force_login(auditor)

    response = client.post(reverse("audit:trail_client"), {"bsn": "1112 22 333"})
    assert response.status_code == 303
    assert CLIENT_BSN not in response["Location"]
    assert ref not in response["Location"]  # only the token of the filters
    page = client.get(response["Location"])
    assert "Er is geen klant met dit BSN." in page.text
    assert f"klant {ref}" not in page.text  # only in the hidden filter
    assert f'href="{reverse("audit:event", args=[mine.pk])}"' in page.text
    assert f'href="{reverse("audit:event", args=[other.pk])}"' not in page.text
    assert CLIENT_BSN not in page.text
    viewed = AuditEvent.objects.filter(action=Action.TRAIL_VIEWED).latest("id")
    assert viewed.data["filters"] == {"client_ref": ref}


def test_a_wrong_bsn_is_explained_in_dutch(client, db):
    client.force_login(UserFactory(auditor=True))
    response = client.post(reverse("audit:trail_client"), {"bsn": "123456789"})
    assert response.status_code == 200
    assert "Dit BSN klopt niet: het voldoet niet aan de elfproef." in response.text


def test_an_employee_may_not_search_the_trail_by_bsn(client, employee):
    client.force_login(employee)
    response = client.post(reverse("audit:trail_client"), {"bsn": CLIENT_BSN})
    assert response.status_code == 403
