"""Reading clients, conversations and participants in the admin site is audited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from tests.conversations.helpers import add
from tests.factories import ClientFactory, ConversationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(employee):
    return ConversationFactory(employee=employee)


@pytest.fixture
def participant(employee, conversation):
    return add(employee, conversation, name="Jan Derde")


def _viewed():
    return list(AuditEvent.objects.filter(action="admin.object_viewed").order_by("id"))


def _objects(request, conversation, participant):
    return {
        "client": conversation.client,
        "conversation": conversation,
        "participant": participant,
    }


@pytest.mark.parametrize("model", ["client", "conversation", "participant"])
def test_opening_an_object_in_the_admin_records_who_saw_it(
    client, admin_user, conversation, participant, request, model
):
    obj = _objects(request, conversation, participant)[model]
    client.force_login(admin_user)

    page = client.get(reverse(f"admin:conversations_{model}_change", args=[obj.pk]))

    assert page.status_code == 200
    (event,) = _viewed()
    assert event.actor_id == admin_user.pk
    assert event.result == "success"
    assert (event.object_type, event.object_id) == (
        f"conversations.{model}",
        str(obj.pk),
    )
    assert event.client_ref == conversation.client.client_ref
    assert event.data == {"model": f"conversations.{model}"}


@pytest.mark.parametrize("model", ["client", "conversation", "participant"])
def test_a_list_in_the_admin_records_one_event_for_all_its_rows(
    client, admin_user, employee, model
):
    for _ in range(3):
        conversation = ConversationFactory(employee=employee, client=ClientFactory())
        add(employee, conversation)
    client.force_login(admin_user)

    page = client.get(reverse(f"admin:conversations_{model}_changelist"))

    assert page.status_code == 200
    (event,) = _viewed()
    assert event.actor_id == admin_user.pk
    assert (event.object_type, event.object_id, event.client_ref) == (
        f"conversations.{model}",
        "",
        "",
    )
    assert event.data == {"model": f"conversations.{model}", "count": 3, "page": 1}


def test_a_search_in_the_admin_is_recorded_without_its_text(
    client, admin_user, conversation
):
    client.force_login(admin_user)
    url = reverse("admin:conversations_client_changelist")

    page = client.get(url, {"q": "klant 123456782"})

    assert page.status_code == 200
    (event,) = _viewed()
    assert event.data == {"model": "conversations.client", "count": 0, "page": 1}


def test_the_history_of_an_object_is_a_read_too(client, admin_user, conversation):
    client.force_login(admin_user)
    url = reverse("admin:conversations_client_history", args=[conversation.client.pk])

    assert client.get(url).status_code == 200

    (event,) = _viewed()
    assert event.object_id == str(conversation.client.pk)
    assert event.client_ref == conversation.client.client_ref


def test_a_page_refused_or_missing_records_no_read(client, employee, admin_user):
    client.force_login(employee)
    client.get(reverse("admin:conversations_client_changelist"))
    client.force_login(admin_user)
    missing = client.get(reverse("admin:conversations_client_change", args=[999999]))
    assert missing.status_code == 302
    assert _viewed() == []


def test_a_list_of_many_rows_records_its_read_with_one_insert(
    client, admin_user, employee
):
    for _ in range(5):
        ConversationFactory(employee=employee)
    client.force_login(admin_user)

    with CaptureQueriesContext(connection) as context:
        client.get(reverse("admin:conversations_conversation_changelist"))

    inserts = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith('INSERT INTO "audit_auditevent"')
    ]
    assert len(inserts) == 1
    assert _viewed()[0].data["count"] == 5
