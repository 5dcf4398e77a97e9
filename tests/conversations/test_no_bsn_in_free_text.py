"""A BSN typed into free text stays out of the audit trail, and the user is told.

Rescheduling with the place "klant 999990019 kamer 2" once put the BSN in the
``changes`` of ``conversation.rescheduled``, shown to the team lead.
"""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.catalogue import Action
from audit.models import AuditEvent
from audit.payloads import Event
from audit.services.record import PersonalDataInPayloadError, audit_record
from conversations.errors import BsnInTextError
from conversations.models import Client, Conversation, Participant
from conversations.services import conversation_reschedule
from tests.conversations.helpers import add, answer
from tests.factories import TeamFactory, valid_bsn
from uwvrec.personal_data import bsn_in_text

pytestmark = pytest.mark.django_db
A_BSN = "999990019"
REFUSED = "Vul hier geen BSN in"
WRITTEN_AS = [
    f"klant {A_BSN} kamer 2",
    "klant 9999.90.019",
    "999 990 019",
    "bsn:999-990-019",
    "klant 999,990,019",
    "999/990/019",
    "999_990_019",
    "999  990  019",
    "Kamer 1, 10000021",  # eight digits: the audit trail reads them as a BSN too
]


def tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("text", WRITTEN_AS)
def test_a_bsn_however_written_is_found_in_free_text(text):
    assert bsn_in_text(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "Amsterdam, kamer 3.12",
        "Utrecht, Croeselaan 1, kamer 4.061",
        "bel 088 898 92 94",
        "Jan de Vries",
        "999990018",  # fails the eleven-test
        "1999990019",  # ten digits: no BSN
    ],
)
def test_ordinary_text_is_not_taken_for_a_bsn(text):
    assert bsn_in_text(text) is False


def test_the_audit_trail_refuses_a_bsn_in_changes(employee, conversation):
    with pytest.raises(PersonalDataInPayloadError):
        audit_record(
            actor=employee,
            event=Event(Action.CONVERSATION_RESCHEDULED),
            obj=conversation,
            changes={"place": {"before": "Kamer 1", "after": f"klant {A_BSN}"}},
        )
    assert not AuditEvent.objects.filter(action="conversation.rescheduled").exists()


@pytest.mark.parametrize("text", WRITTEN_AS[:4])
def test_rescheduling_with_a_bsn_in_the_place_is_refused_beside_the_field(
    client, employee, team_lead, conversation, text
):
    client.force_login(employee)
    url = reverse("conversations:reschedule", args=[conversation.pk])
    response = client.post(url, {"date": tomorrow(), "time": "09:00", "place": text})
    assert response.status_code == 200
    assert REFUSED in response.text
    assert 'href="#id_place"' in response.text
    conversation.refresh_from_db()
    assert conversation.place == "Amsterdam, kamer 3.12"
    assert not AuditEvent.objects.filter(action="conversation.rescheduled").exists()
    client.force_login(team_lead)
    trail = client.get(reverse("audit:trail")).text
    assert A_BSN not in trail


def test_the_service_refuses_a_bsn_in_the_place_and_records_the_refusal(
    employee, conversation
):
    moment = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(BsnInTextError) as refused:
        conversation_reschedule(
            actor=employee,
            conversation=conversation,
            scheduled_at=moment,
            place=f"klant {A_BSN} kamer 2",
        )
    assert refused.value.code == "bsn_in_text"
    event = AuditEvent.objects.get(action="conversation.rescheduled")
    assert (event.result, event.data, event.changes) == (
        "failed",
        {"code": "bsn_in_text"},
        {},
    )


@pytest.mark.parametrize("field", ["place", "display_name"])
def test_an_appointment_with_a_bsn_in_free_text_is_refused(client, employee, field):
    client.force_login(employee)
    data = {
        "bsn": valid_bsn(),
        "display_name": "Ans Kok",
        "date": tomorrow(),
        "time": "14:30",
        "channel": "face_to_face",
        "kind": "regular",
        "place": "Utrecht, kamer 1",
        field: f"klant {A_BSN}",
    }
    response = client.post(reverse("conversations:create"), data)
    assert response.status_code == 200
    assert REFUSED in response.text
    assert f'href="#id_{field}"' in response.text
    assert A_BSN not in response.text.replace(f"klant {A_BSN}", "")
    assert not Conversation.objects.exists()
    assert not Client.objects.exists()


def test_a_phone_call_for_a_new_client_with_a_bsn_as_name_is_refused(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("conversations:phone_call"),
        {"bsn": valid_bsn(), "display_name": A_BSN, "kind": "regular"},
    )
    assert REFUSED in response.text
    assert not Client.objects.exists()


def test_a_participant_named_with_a_bsn_is_refused(client, employee, conversation):
    answer(employee, conversation, "kind", kind="regular")
    answer(employee, conversation, "wish", wish="audio")
    client.force_login(employee)
    response = client.post(
        reverse("conversations:participant_add", args=[conversation.pk]),
        {"name": f"Jan {A_BSN}", "role": "third_person"},
    )
    assert response.status_code == 200
    assert REFUSED in response.text
    assert not Participant.objects.exists()
    with pytest.raises(BsnInTextError):
        add(employee, conversation, name=f"Jan {A_BSN}")
    assert not Participant.objects.exists()


def test_uwvs_reason_to_record_may_not_hold_a_bsn(client, employee, conversation):
    answer(employee, conversation, "kind", kind="regular")
    answer(employee, conversation, "wish", wish="no")
    answer(employee, conversation, "uwv", uwv_records=True)
    client.force_login(employee)
    response = client.post(
        reverse("conversations:step", args=[conversation.pk, "uwv-reden"]),
        {"reason": f"Dossier {A_BSN}", "told": "on"},
    )
    assert response.status_code == 200
    assert REFUSED in response.text
    conversation.refresh_from_db()
    assert conversation.uwv_reason == ""
    with pytest.raises(BsnInTextError) as refused:
        answer(employee, conversation, "uwv_details", reason=A_BSN, told=True)
    assert refused.value.code == "bsn_in_text"


@pytest.mark.parametrize("text", [*WRITTEN_AS, "99999001 en 10000021", "x999990019"])
def test_the_forms_find_every_bsn_the_audit_trail_would_refuse(employee, text):
    """Else a user would meet the refusal of the trail: an HTTP 500."""
    try:
        with transaction.atomic():
            audit_record(
                actor=employee, event=Event(Action.CLIENT_SEARCHED, {"t": text})
            )
    except PersonalDataInPayloadError:
        assert bsn_in_text(text)


def test_an_admin_change_that_looks_like_a_bsn_is_recorded_masked(client, admin_user):
    """An admin field may hold a number that passes the eleven-test (an employee
    number can): the admin site records the change without it, and does not fail.
    """
    team = TeamFactory(office="Utrecht")
    client.force_login(admin_user)
    url = reverse("admin:accounts_team_change", args=[team.pk])
    response = client.post(
        url, {"name": team.name, "division": team.division, "office": A_BSN}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.ADMIN_CHANGED)
    assert event.changes == {"office": {"hidden": True}}
    assert A_BSN not in str(event.changes)
