"""Today's list, planning, moving, cancelling and closing conversations."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conversations.models import Conversation
from tests.conversations.helpers import walk_to_outcome
from tests.factories import ClientFactory, ConversationFactory, UserFactory, valid_bsn

pytestmark = pytest.mark.django_db
LIST = reverse("conversations:list")


def soon(hours):
    return timezone.now().replace(microsecond=0) + datetime.timedelta(hours=hours)


def test_the_list_shows_the_teams_conversations_own_first(client, employee):
    colleague = UserFactory(team=employee.team, first_name="Collega")
    theirs = ConversationFactory(employee=colleague, scheduled_at=soon(1))
    mine = ConversationFactory(employee=employee, scheduled_at=soon(2))
    ConversationFactory(scheduled_at=soon(1))  # another team
    ConversationFactory(employee=employee, scheduled_at=soon(-48))  # the past
    client.force_login(employee)
    page = client.get(LIST).text
    assert page.index(mine.client.display_name) < page.index(theirs.client.display_name)
    assert page.count("<tr>") == 2 + 2  # two header rows, two conversations
    assert "Mijn gesprekken" in page
    assert "Gesprekken van mijn team" in page


@pytest.mark.parametrize("volume", [1, 30])
def test_the_list_runs_a_constant_number_of_queries(
    client, employee, django_assert_num_queries, volume
):
    ConversationFactory.create_batch(volume, employee=employee)
    ConversationFactory.create_batch(volume, team=employee.team)
    client.force_login(employee)
    # Session, user with team and roles, the conversations with client and
    # employee, the session saved (savepoint, update, release).
    with django_assert_num_queries(6):
        assert client.get(LIST).status_code == 200


def test_a_team_lead_sees_the_list_without_the_planning_buttons(client, team_lead):
    client.force_login(team_lead)
    page = client.get(LIST).text
    assert "Telefoongesprek starten" not in page
    assert client.get(reverse("conversations:create")).status_code == 403
    assert client.get(reverse("conversations:phone_call")).status_code == 403


@pytest.mark.parametrize("persona", ["auditor", "admin_user"])
def test_the_list_is_refused_outside_a_team(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403


def test_the_list_sends_anonymous_users_to_log_in(client):
    assert client.get(LIST)["Location"].startswith(reverse("accounts:login"))


def test_the_home_page_links_employees_and_team_leads_to_today(
    client, employee, team_lead, auditor
):
    for user, linked in ((employee, True), (team_lead, True), (auditor, False)):
        client.force_login(user)
        home = client.get(reverse("accounts:home")).text
        assert (f'href="{LIST}"' in home) is linked


def test_an_appointment_is_made_for_a_new_client(client, employee):
    client.force_login(employee)
    data = {
        "bsn": valid_bsn(),
        "display_name": "Ans Kok",
        "date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "time": "14:30",
        "channel": "face_to_face",
        "kind": "mediation",
        "place": "Utrecht, kamer 1",
    }
    response = client.post(reverse("conversations:create"), data)
    conversation = Conversation.objects.get(client__display_name="Ans Kok")
    assert response["Location"] == reverse(
        "conversations:detail", args=[conversation.pk]
    )
    assert (conversation.kind, conversation.channel) == ("mediation", "face_to_face")
    assert timezone.localtime(conversation.scheduled_at).strftime("%H:%M") == "14:30"
    assert conversation.team == employee.team
    event = AuditEvent.objects.get(
        action="conversation.registered", object_id=str(conversation.pk)
    )
    assert event.data["kind"] == "mediation"


def test_an_unknown_bsn_without_a_name_asks_for_the_name_beside_the_field(
    client, employee
):
    client.force_login(employee)
    data = {"bsn": valid_bsn(), "kind": "regular"}
    response = client.post(reverse("conversations:phone_call"), data)
    assert response.status_code == 200
    assert 'href="#id_display_name"' in response.text
    assert "Vul de naam in om de klant te registreren" in response.text
    assert data["bsn"] not in response.text


def test_a_wrong_bsn_is_explained_and_not_echoed(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("conversations:phone_call"), {"bsn": "123456788", "kind": "regular"}
    )
    assert "voldoet niet aan de elfproef" in response.text


def test_a_phone_call_with_a_known_client_opens_the_checklist(client, employee):
    known = ClientFactory()
    client.force_login(employee)
    response = client.post(
        reverse("conversations:phone_call"), {"bsn": known.bsn, "kind": "regular"}
    )
    conversation = Conversation.objects.get(client=known)
    assert conversation.channel == "phone"
    assert response["Location"] == reverse(
        "conversations:checklist", args=[conversation.pk]
    )


def test_an_appointment_is_rescheduled_and_audited(client, employee, conversation):
    client.force_login(employee)
    url = reverse("conversations:reschedule", args=[conversation.pk])
    assert client.get(url).status_code == 200
    day = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    client.post(url, {"date": day, "time": "09:15", "place": "Kamer 4"})
    conversation.refresh_from_db()
    assert (
        timezone.localtime(conversation.scheduled_at).isoformat()[:16] == f"{day}T09:15"
    )
    assert conversation.place == "Kamer 4"
    event = AuditEvent.objects.get(
        action="conversation.rescheduled", object_id=str(conversation.pk)
    )
    assert event.changes["place"] == {
        "before": "Amsterdam, kamer 3.12",
        "after": "Kamer 4",
    }


def test_a_team_lead_may_not_reschedule(client, team_lead, conversation):
    client.force_login(team_lead)
    url = reverse("conversations:reschedule", args=[conversation.pk])
    assert client.post(url, {"date": "2030-01-01", "time": "09:00"}).status_code == 403


def test_a_conversation_is_cancelled_and_leaves_the_list(
    client, employee, conversation
):
    client.force_login(employee)
    client.post(reverse("conversations:cancel", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CANCELLED
    assert conversation.client.display_name not in client.get(LIST).text


def test_a_team_lead_may_not_cancel(client, team_lead, conversation):
    client.force_login(team_lead)
    url = reverse("conversations:cancel", args=[conversation.pk])
    assert client.post(url).status_code == 403


def test_after_the_conversation_what_happened_is_recorded(
    client, employee, conversation
):
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    client.force_login(employee)
    client.post(
        reverse("conversations:step", args=[conversation.pk, "uitkomst"]),
        {"answers_version": conversation.answers_version},
    )
    url = reverse("conversations:conclude", args=[conversation.pk])
    client.post(url, {"client_recorded": "yes", "uwv_recorded": "no"})
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.HELD
    assert (conversation.client_recorded, conversation.uwv_recorded) == (True, False)
    detail = client.get(reverse("conversations:detail", args=[conversation.pk])).text
    assert "Gehouden".lower() in detail.lower()


def test_recording_what_happened_needs_a_decision_first(client, employee, conversation):
    client.force_login(employee)
    url = reverse("conversations:conclude", args=[conversation.pk])
    response = client.post(url, {"client_recorded": "no", "uwv_recorded": "no"})
    assert "Leg eerst het besluit vast" in response.text


def test_a_team_lead_may_not_record_what_happened(client, team_lead, conversation):
    client.force_login(team_lead)
    url = reverse("conversations:conclude", args=[conversation.pk])
    assert client.post(url, {"client_recorded": "no"}).status_code == 403


def test_the_detail_page_shows_every_decision_and_is_audited(
    client, employee, conversation
):
    walk_to_outcome(employee, conversation)
    client.force_login(employee)
    assert (
        client.get(reverse("conversations:detail", args=[conversation.pk])).status_code
        == 200
    )
    assert AuditEvent.objects.filter(
        action="conversation.viewed", object_id=str(conversation.pk)
    ).exists()


@pytest.mark.parametrize("model", ["client", "conversation", "participant", "decision"])
def test_admins_read_conversations_in_the_admin_site_but_change_nothing(
    client, admin_user, employee, model
):
    conversation = ConversationFactory(employee=employee)
    walk_to_outcome(employee, conversation, participants=[("Els", "third_person")])
    conversation.refresh_from_db()
    from conversations.services import decision_record

    decision_record(
        actor=employee,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    client.force_login(admin_user)
    listing = client.get(reverse(f"admin:conversations_{model}_changelist"))
    assert listing.status_code == 200
    assert conversation.client.bsn not in listing.text
    assert client.get(reverse(f"admin:conversations_{model}_add")).status_code == 403
