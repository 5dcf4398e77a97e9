"""Appointments in time and place, conversations gone by, and the BSN typed once.

Before: a checklist left undone stayed "gepland" for ever; an appointment in
the past was taken without a word and vanished from the list; a phone call took
a room and an office appointment none; an 8-digit BSN got the eleven-test
message; and after "Er is geen klant met dit BSN" the BSN had to be typed again.
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conversations.errors import ScheduleError
from conversations.models import Client, Conversation
from conversations.services import (
    conversation_register,
    conversation_reschedule,
)
from conversations.views.kept_bsn import SESSION_KEY
from tests.factories import ClientFactory, ConversationFactory, UserFactory, valid_bsn

pytestmark = pytest.mark.django_db
LIST = reverse("conversations:list")
PAST = reverse("conversations:past")
CREATE = reverse("conversations:create")
PHONE = reverse("conversations:phone_call")
NOT_HELD = "niet gehouden (geen besluit vastgelegd)"
PAST_QUESTION = "Deze datum en tijd zijn al voorbij."


def days_ago(days, hour=10):
    moment = timezone.localtime() - datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def appointment(day, time="10:00", **extra):
    return {
        "bsn": valid_bsn(),
        "display_name": "Ans Kok",
        "date": day.isoformat(),
        "time": time,
        "channel": "face_to_face",
        "kind": "regular",
        "place": "Utrecht, kamer 1",
        **extra,
    }


# 1. A conversation whose day ended without a decision reads as not held.


def test_an_abandoned_checklist_reads_as_not_held_after_its_day(client, employee):
    planned = ConversationFactory(employee=employee, scheduled_at=days_ago(1))
    started = ConversationFactory(
        employee=employee, scheduled_at=days_ago(2), status="in_checklist"
    )
    client.force_login(employee)
    for conversation in (planned, started):
        detail = client.get(reverse("conversations:detail", args=[conversation.pk]))
        assert NOT_HELD in detail.text
        assert "gepland" not in detail.text.split('data-testid="status"')[1][:200]
    assert client.get(PAST).text.count(NOT_HELD) == 2
    planned.refresh_from_db()
    assert planned.status == "planned"  # shown, not stored: nothing was changed


def test_a_recorded_decision_keeps_its_status_after_its_day(client, employee):
    decided = ConversationFactory(
        employee=employee, scheduled_at=days_ago(1), status="decided"
    )
    held = ConversationFactory(
        employee=employee, scheduled_at=days_ago(3), status="held"
    )
    client.force_login(employee)
    page = client.get(PAST).text
    assert NOT_HELD not in page
    assert "besluit vastgelegd" in page
    assert "gehouden" in page
    detail = client.get(reverse("conversations:detail", args=[decided.pk])).text
    assert NOT_HELD not in detail
    assert held.status == "held"


def test_a_past_conversation_leads_back_to_the_earlier_ones(client, employee):
    past = ConversationFactory(employee=employee, scheduled_at=days_ago(3))
    today = ConversationFactory(employee=employee, scheduled_at=timezone.now())
    client.force_login(employee)
    page = client.get(reverse("conversations:detail", args=[past.pk])).text
    assert f'href="{PAST}">← Terug naar de eerdere gesprekken' in page
    page = client.get(reverse("conversations:detail", args=[today.pk])).text
    assert f'href="{LIST}">← Terug naar de gesprekken<' in page


def test_today_a_conversation_not_yet_decided_is_still_planned(client, employee):
    ConversationFactory(
        employee=employee, scheduled_at=timezone.now().replace(microsecond=0)
    )
    client.force_login(employee)
    page = client.get(LIST).text
    assert NOT_HELD not in page
    assert "gepland" in page


# 2. Conversations gone by stay findable; a past moment is confirmed first.


def test_earlier_conversations_are_listed_newest_first_for_the_team(
    client, employee, team_lead
):
    older = ConversationFactory(employee=employee, scheduled_at=days_ago(5))
    newer = ConversationFactory(
        employee=UserFactory(team=employee.team), scheduled_at=days_ago(1)
    )
    coming = ConversationFactory(employee=employee, scheduled_at=days_ago(-1))
    others = ConversationFactory(scheduled_at=days_ago(1))  # another team
    for user in (employee, team_lead):
        client.force_login(user)
        page = client.get(PAST).text
        assert page.index(newer.client.display_name) < page.index(
            older.client.display_name
        )
        assert coming.client.display_name not in page
        assert others.client.display_name not in page
    assert f'href="{PAST}"' in client.get(LIST).text


def test_earlier_conversations_come_a_page_at_a_time(client, employee):
    ConversationFactory.create_batch(51, employee=employee, scheduled_at=days_ago(2))
    last = ConversationFactory(employee=employee, scheduled_at=days_ago(9))
    client.force_login(employee)
    first = client.get(PAST).text
    assert "Pagina 1 van 2" in first
    assert last.client.display_name not in first
    assert last.client.display_name in client.get(PAST, {"pagina": "2"}).text
    # A page that is not one shows a page, never an error.
    for wrong in ("0", "999", "x", "-1"):
        assert client.get(PAST, {"pagina": wrong}).status_code == 200


@pytest.mark.parametrize("volume", [1, 30])
def test_earlier_conversations_run_a_constant_number_of_queries(
    client, employee, django_assert_num_queries, volume
):
    ConversationFactory.create_batch(
        volume, employee=employee, scheduled_at=days_ago(2)
    )
    client.force_login(employee)
    # Session, user, the count, the page with client and employee, session saved.
    with django_assert_num_queries(7):
        assert client.get(PAST).status_code == 200


def test_a_past_appointment_is_asked_to_be_confirmed_then_taken(client, employee):
    client.force_login(employee)
    data = appointment(timezone.localdate() - datetime.timedelta(days=1))
    asked = client.post(CREATE, data)
    assert asked.status_code == 200
    assert PAST_QUESTION in asked.text
    assert 'href="#id_past_confirmed"' in asked.text
    assert 'type="checkbox" name="past_confirmed"' in asked.text
    assert not Conversation.objects.exists()
    made = client.post(CREATE, {**data, "past_confirmed": "on"}, follow=True)
    conversation = Conversation.objects.get()
    assert made.redirect_chain[-1][0] == reverse(
        "conversations:detail", args=[conversation.pk]
    )
    assert "u vindt het bij Eerdere gesprekken" in made.text
    assert conversation.client.display_name in client.get(PAST).text


def test_a_future_appointment_is_not_asked_about_the_past(client, employee):
    client.force_login(employee)
    page = client.get(CREATE).text
    assert 'type="hidden" name="past_confirmed"' in page
    response = client.post(
        CREATE, appointment(timezone.localdate() + datetime.timedelta(days=1))
    )
    assert response.status_code == 302


@override_settings(CONVERSATION_MONTHS_AHEAD=2)
def test_the_limit_ahead_is_a_setting_and_2099_is_refused(client, employee):
    client.force_login(employee)
    for day in (
        timezone.localdate() + datetime.timedelta(days=70),
        datetime.date(2099, 1, 1),
    ):
        response = client.post(CREATE, appointment(day))
        assert "Controleer het jaartal" in response.text
    assert not Conversation.objects.exists()


# 3. The place fits the channel.


def test_a_phone_appointment_with_a_room_is_refused_beside_the_place(client, employee):
    client.force_login(employee)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(CREATE, appointment(tomorrow, channel="phone"))
    assert "Een telefoongesprek heeft geen plaats." in response.text
    assert 'href="#id_place"' in response.text
    assert not Conversation.objects.exists()
    assert (
        client.post(
            CREATE, appointment(tomorrow, channel="phone", place="")
        ).status_code
        == 302
    )


def test_an_office_appointment_without_a_place_is_refused_beside_the_place(
    client, employee
):
    client.force_login(employee)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(CREATE, appointment(tomorrow, place="  "))
    assert "Vul de plaats in: de vestiging en de kamer." in response.text
    assert 'href="#id_place"' in response.text
    assert not Conversation.objects.exists()


def test_moving_a_phone_call_into_a_room_is_refused(client, employee, phone_call):
    client.force_login(employee)
    url = reverse("conversations:reschedule", args=[phone_call.pk])
    day = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"date": day, "time": "10:00", "place": "Kamer 4"})
    assert "Een telefoongesprek heeft geen plaats." in response.text
    phone_call.refresh_from_db()
    assert phone_call.place == ""


def test_the_services_refuse_a_place_that_does_not_fit_and_record_it(
    employee, phone_call
):
    moment = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ScheduleError) as office:
        conversation_register(
            actor=employee,
            client=ClientFactory(),
            channel="face_to_face",
            kind="regular",
            scheduled_at=moment,
        )
    with pytest.raises(ScheduleError) as phone:
        conversation_reschedule(
            actor=employee, conversation=phone_call, scheduled_at=moment, place="B2"
        )
    assert (office.value.code, phone.value.code) == ("place_missing", "place_for_phone")
    refused = AuditEvent.objects.filter(result="failed").order_by("id")
    assert [(e.action, e.data) for e in refused] == [
        ("conversation.registered", {"code": "place_missing"}),
        ("conversation.rescheduled", {"code": "place_for_phone"}),
    ]


# 4. The BSN: its length said, and typed once.


def test_an_eight_digit_bsn_is_told_its_length_on_the_form(client, employee):
    client.force_login(employee)
    response = client.post(PHONE, {"bsn": "12345678", "kind": "regular"})
    assert "Een BSN bestaat uit 9 cijfers; u typte er 8." in response.text
    assert "elfproef" not in response.text


def session_values(client):
    session = Session.objects.get(session_key=client.session.session_key)
    return str(session.get_decoded())


def test_an_unknown_bsn_is_kept_in_the_session_not_in_the_page(client, employee):
    client.force_login(employee)
    bsn = valid_bsn()
    asked = client.post(PHONE, {"bsn": bsn, "kind": "regular"})
    assert "Er is geen klant met dit BSN" in asked.text
    assert "typ het BSN opnieuw" not in asked.text
    assert bsn not in asked.text
    assert f"*****{bsn[-4:]}" in asked.text
    assert SESSION_KEY in client.session
    assert bsn not in session_values(client)  # kept encrypted
    made = client.post(PHONE, {"bsn": "", "display_name": "Ans Kok", "kind": "regular"})
    conversation = Conversation.objects.get()
    assert made["Location"] == reverse(
        "conversations:checklist", args=[conversation.pk]
    )
    assert bsn not in made["Location"]
    assert conversation.client.bsn == bsn
    assert SESSION_KEY not in client.session  # used, so forgotten


def test_another_bsn_replaces_the_kept_one(client, employee):
    known = ClientFactory()
    client.force_login(employee)
    client.post(CREATE, {"bsn": valid_bsn(), "kind": "regular"})
    assert SESSION_KEY in client.session
    wrong = client.post(CREATE, {"bsn": "123456788", "kind": "regular"})
    assert "elfproef" in wrong.text
    assert SESSION_KEY not in client.session  # another BSN typed: the old one goes
    assert "is bewaard" not in wrong.text
    client.post(PHONE, {"bsn": known.bsn, "kind": "regular"})
    assert Conversation.objects.get().client == known
    assert SESSION_KEY not in client.session


def test_the_kept_bsn_survives_another_error_and_a_fresh_form_forgets_it(
    client, employee
):
    client.force_login(employee)
    bsn = valid_bsn()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = appointment(yesterday, bsn=bsn)
    assert PAST_QUESTION in client.post(CREATE, data).text
    again = client.post(CREATE, {**data, "bsn": ""})
    assert PAST_QUESTION in again.text
    assert "Vul het BSN van de klant in." not in again.text
    assert bsn not in again.text
    client.get(CREATE)
    assert SESSION_KEY not in client.session
    refused = client.post(CREATE, {**data, "bsn": "", "past_confirmed": "on"})
    assert "Vul het BSN van de klant in." in refused.text
    assert not Client.objects.exists()
