"""The review for people: reads apart, objects and clients by name, codes in words."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.catalogue import Action, Result
from audit.forms import TrailFilterForm
from audit.payloads import Event
from audit.services.record import audit_record
from conversations.services.clients import client_find
from tests.audit.review import AMSTERDAM, add_event, filtered, filtered_url
from tests.factories import ClientFactory, ConversationFactory, UserFactory, valid_bsn

pytestmark = pytest.mark.django_db

TRAIL = reverse("audit:trail")


def listed(response) -> list[int]:
    return [event.pk for event in response.context["page"].rows]


# --- Reading the trail is shown apart ---------------------------------------------


def test_reads_of_the_trail_are_hidden_unless_asked_for(client, auditor, employee):
    login = add_event(employee)
    looked = add_event(employee, action=Action.EVENT_VIEWED)
    listed_once = add_event(employee, action=Action.TRAIL_VIEWED)
    refused = add_event(employee, action=Action.TRAIL_VIEWED, result=Result.DENIED)
    client.force_login(auditor)

    page = filtered(client, {"employee": employee.pk})
    assert listed(page) == [refused.pk, login.pk]  # a refused look stays in view
    assert "Ook inzage in de audittrail tonen" in page.text
    page = filtered(client, {"employee": employee.pk, "include_reads": "on"})
    assert listed(page) == [refused.pk, listed_once.pk, looked.pk, login.pk]
    checkbox = page.context["form"]["include_reads"]
    assert checkbox.value() is True  # kept ticked on the filtered page
    page = filtered(client, {"employee": employee.pk, "action": Action.EVENT_VIEWED})
    assert listed(page) == [looked.pk]  # picked on purpose: shown


def test_the_first_page_is_not_filled_by_the_reviewers_own_looks(client, auditor):
    employee = UserFactory()
    change = add_event(employee, action=Action.ADMIN_CHANGED)
    client.force_login(auditor)
    for _ in range(3):
        client.get(reverse("audit:event", args=[change.pk]))
    page = filtered(
        client, {"date_from": dt.datetime.now(tz=AMSTERDAM).date().isoformat()}
    )
    actions = {event.action for event in page.context["page"].rows}
    assert Action.EVENT_VIEWED not in actions
    assert change.pk in listed(page)


# --- Objects and clients by name ---------------------------------------------------


def conversation_events(employee, count: int):
    for _ in range(count):
        conversation = ConversationFactory(
            employee=employee,
            scheduled_at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM),
        )
        add_event(
            employee,
            action=Action.CONVERSATION_VIEWED,
            object_type="conversations.conversation",
            object_id=str(conversation.pk),
        )
        add_event(
            employee,
            action=Action.CLIENT_REGISTERED,
            object_type="conversations.client",
            object_id=str(conversation.client.pk),
        )


def test_conversations_and_clients_are_named_for_the_team_lead(client, team_lead):
    employee = UserFactory(team=team_lead.team)
    conversation = ConversationFactory(
        employee=employee,
        client=ClientFactory(display_name="Anna de Jong"),
        scheduled_at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM),
    )
    add_event(
        employee,
        action=Action.CONVERSATION_VIEWED,
        object_type="conversations.conversation",
        object_id=str(conversation.pk),
    )
    add_event(
        employee,
        action=Action.CLIENT_REGISTERED,
        object_type="conversations.client",
        object_id=str(conversation.client_id),
    )
    client.force_login(team_lead)
    page = filtered(client, {"employee": employee.pk}).text
    assert "<td>Gesprek met Anna de Jong, 1 december 2026, 09:00</td>" in page
    assert "<td>Anna de Jong</td>" in page
    assert f"Gesprek {conversation.pk}<" not in page


def test_another_teams_conversation_is_not_named(client, auditor, team_lead):
    other = UserFactory()  # another team
    conversation = ConversationFactory(
        employee=other, client=ClientFactory(display_name="Piet Geheim")
    )
    event = add_event(
        team_lead,  # an event of the lead's team about another team's conversation
        action=Action.ADMIN_VIEWED,
        object_type="conversations.conversation",
        object_id=str(conversation.pk),
    )
    client.force_login(team_lead)
    page = client.get(reverse("audit:event", args=[event.pk])).text
    assert "Piet Geheim" not in page
    assert f"Gesprek {conversation.pk}" in page
    client.force_login(auditor)
    page = client.get(reverse("audit:event", args=[event.pk])).text
    assert "Gesprek met Piet Geheim" in page


def test_naming_objects_costs_the_same_queries_however_many(
    client, auditor, django_assert_num_queries
):
    employee = UserFactory()
    conversation_events(employee, 1)
    client.force_login(auditor)
    url = filtered_url(client, {"employee": employee.pk})
    client.get(url)  # warm up: the content types
    with django_assert_num_queries(NAMED_LIST_QUERIES):
        assert client.get(url).status_code == 200
    conversation_events(employee, 25)
    with django_assert_num_queries(NAMED_LIST_QUERIES):
        response = client.get(url)
    assert len(listed(response)) == 50


# The list's seven (test_review.LIST_QUERIES without its team names), and one each
# for the conversations and the clients named on the page.
NAMED_LIST_QUERIES = 9


def test_a_client_found_by_bsn_is_named(client, auditor):
    bsn = valid_bsn()
    found = ClientFactory(bsn=bsn, display_name="Anna de Jong")
    audit_record(
        actor=auditor, event=Event(Action.LOGGED_IN), client_ref=found.client_ref
    )
    client.force_login(auditor)
    response = client.post(reverse("audit:trail_client"), {"bsn": bsn})
    page = client.get(response["Location"]).text
    assert "U ziet alleen de gebeurtenissen van Anna de Jong." in page
    assert f"klant {found.client_ref}" not in page  # only in the hidden filter


def test_a_team_lead_is_not_told_the_name_of_another_teams_client(client, team_lead):
    bsn = valid_bsn()
    ConversationFactory(client=ClientFactory(bsn=bsn, display_name="Piet Geheim"))
    client.force_login(team_lead)
    response = client.post(reverse("audit:trail_client"), {"bsn": bsn})
    page = client.get(response["Location"]).text
    assert "Piet Geheim" not in page
    assert "Uw team heeft geen gesprekken met een klant met dit BSN." in page


# --- A search that found no one -------------------------------------------------------


def test_a_search_that_found_no_one_is_not_a_failure(client, auditor, employee):
    assert client_find(actor=employee, bsn=valid_bsn()) is None
    new = employee_events(employee)[0]
    assert (new.result, new.data) == (Result.SUCCESS, {"found": False})
    # Recorded as failed before: shown the same way, the stored event unchanged.
    old = add_event(
        employee,
        action=Action.CLIENT_SEARCHED,
        object_type="conversations.client",
        result=Result.FAILED,
        data={"found": False},
    )
    client.force_login(auditor)
    page = filtered(client, {"employee": employee.pk}).text
    assert page.count('<span aria-hidden="true">○</span> niets gevonden') == 2
    assert "✗" not in page
    old.refresh_from_db()
    assert old.result == Result.FAILED


def employee_events(employee):
    from audit.models import AuditEvent

    return list(AuditEvent.objects.filter(actor_id=employee.pk).order_by("-id"))


# --- The team column, the object types, the payload in words ---------------------


def test_a_team_lead_sees_no_team_column(client, team_lead, auditor, employee):
    add_event(employee)
    client.force_login(team_lead)
    assert '<th scope="col">Team</th>' not in client.get(TRAIL).text
    client.force_login(auditor)
    assert '<th scope="col">Team</th>' in client.get(TRAIL).text


def test_the_object_types_are_those_a_reviewer_meets_in_dutch(auditor):
    labels = [str(label) for _, label in TrailFilterForm(user=auditor)
              .fields["object_type"].choices]  # fmt: skip
    for label in ("Gesprek", "Klant", "Melding van een overtreding", "Team"):
        assert label in labels
    for label in ("Audit anchor", "Audit link", "Audit pending", "Export job",
                  "Inhoudstype", "Sessie", "Recht"):  # fmt: skip
        assert label not in labels


def test_an_events_payload_is_shown_in_words(client, auditor, employee):
    event = add_event(
        employee,
        action=Action.VIOLATION_CONFIRMED,
        object_type="violations.violationreport",
        object_id="1",
        data={"rule": "shared_outside_home", "status": "confirmed"},
    )
    flag = add_event(
        employee,
        action=Action.FLAG_VIEWED,
        data={"page": "conversations:detail", "report": 1, "rule": "video_recorded"},
    )
    client.force_login(auditor)
    page = client.get(reverse("audit:event", args=[event.pk])).text
    assert "opname gedeeld of gepubliceerd buiten de huiselijke kring" in page
    assert "Overtreden regel" in page
    assert ">bevestigd<" in page
    for code in ("shared_outside_home", "confirmed", "violation.confirmed",
                 "violations.violationreport", "<code>rule</code>"):  # fmt: skip
        assert code not in page
    page = client.get(reverse("audit:event", args=[flag.pk])).text
    assert "het gesprek" in page
    assert "conversations:detail" not in page


def test_teams_and_staff_are_named_within_the_readers_scope(client, team_lead):
    colleague = UserFactory(
        team=team_lead.team, first_name="Sanne", last_name="de Vries", username="sv"
    )
    stranger = UserFactory(first_name="Piet", last_name="Elders", username="pe")
    for target in (colleague, stranger):
        add_event(
            team_lead,
            action=Action.ADMIN_VIEWED,
            object_type="accounts.user",
            object_id=str(target.pk),
        )
    add_event(
        team_lead,
        action=Action.ADMIN_VIEWED,
        object_type="accounts.team",
        object_id=str(team_lead.team_id),
    )
    client.force_login(team_lead)
    page = filtered(client, {"employee": team_lead.pk}).text
    assert "<td>Sanne de Vries (sv)</td>" in page
    assert f"<td>{team_lead.team.name}</td>" in page
    assert "Piet Elders" not in page  # another team's: by number only
    assert f"Gebruiker {stranger.pk}<" in page


# --- The privacy events read in words -----------------------------------------------


@pytest.mark.parametrize(
    ("action", "data", "words"),
    [
        (
            "privacy.access_viewed",
            {"page": "privacy:access_detail", "status": "running"},
            [("Pagina", "de inzage-export"), ("Status", "bezig")],
        ),
        ("privacy.access_downloaded", {"format": "pdf"}, [("Bestandsformaat", "PDF")]),
        ("privacy.access_prepared", {"code": "failed"}, [("Reden", "mislukt")]),
        (
            "privacy.access_prepared",
            {"counts": {"conversations": 2}},
            [("Aantallen in de export", "Gesprekken: 2")],
        ),
        (
            "privacy.records_removed",
            {"kind": "erasure"},
            [("Soort", "wissen op verzoek")],
        ),
        ("privacy.erasure_approved", {"code": "database"}, [
            ("Reden", "de database weigerde het"),
        ]),
    ],
)  # fmt: skip
def test_the_access_exports_and_erasures_payloads_read_in_words(action, data, words):
    from audit.wording import payload_in_words

    assert payload_in_words(action, data) == words
