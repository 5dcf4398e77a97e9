"""The checklist's edges: a question not asked twice, a way out, a decision replaced."""

import pytest
from django.urls import reverse

from conversations.models import Conversation
from conversations.services import decision_record
from tests.conversations.helpers import add, answer, walk_to_outcome
from tests.factories import ClientFactory, ConversationFactory

pytestmark = pytest.mark.django_db


def step(conversation, slug):
    return reverse("conversations:step", args=[conversation.pk, slug])


def detail(conversation):
    return reverse("conversations:detail", args=[conversation.pk])


def test_a_phone_call_does_not_ask_the_kind_its_form_just_asked(client, employee):
    known = ClientFactory()
    client.force_login(employee)
    client.post(
        reverse("conversations:phone_call"), {"bsn": known.bsn, "kind": "mediation"}
    )
    conversation = Conversation.objects.get(client=known)
    start = client.get(reverse("conversations:checklist", args=[conversation.pk]))
    assert start["Location"] == step(conversation, "opnemen")
    page = client.get(step(conversation, "opnemen"))
    kind = page.context["steps"][0]
    assert (str(kind.name), kind.done, kind.url) == (
        "Soort gesprek",
        True,
        step(conversation, "soort"),
    )
    assert page.context["back_url"] == step(conversation, "soort")
    back = client.get(step(conversation, "soort"))
    assert back.status_code == 200
    assert back.context["form"].initial["kind"] == "mediation"


def test_an_appointment_still_confirms_its_kind_first(client, employee, conversation):
    client.force_login(employee)
    start = client.get(reverse("conversations:checklist", args=[conversation.pk]))
    assert start["Location"] == step(conversation, "soort")


def test_the_first_step_leads_back_to_the_conversation(client, employee, conversation):
    client.force_login(employee)
    page = client.get(step(conversation, "soort"))
    assert page.context["back_url"] == detail(conversation)
    assert f'href="{detail(conversation)}">← Terug naar het gesprek</a>' in page.text
    answer(employee, conversation, "kind", kind="mediation")
    # Going back and in again keeps the answer given.
    resumed = client.get(step(conversation, "soort"))
    assert resumed.context["form"].initial["kind"] == "mediation"


def joined_and_refused(employee, conversation):
    """Decide "opnemen mag", then someone joins and refuses."""
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    decision_record(
        actor=employee,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    newcomer = add(employee, conversation, "Karin Smit")
    answer(employee, conversation, "consent", newcomer, consents=False)
    return newcomer


def test_after_a_refusal_midway_the_earlier_decision_is_said_to_hold_no_longer(
    client, employee, conversation
):
    joined_and_refused(employee, conversation)
    client.force_login(employee)
    page = client.get(step(conversation, "uitkomst")).text
    assert "Besluit 1 geldt niet meer" in page
    assert "Wilt u de opname nu stoppen?" in page
    assert "geldt nu" not in page
    assert "Besluit vastleggen" in page
    detail_page = client.get(detail(conversation)).text
    assert "geldt nu" not in detail_page
    assert "geldt niet meer" in detail_page


def test_a_decision_recorded_after_the_refusal_holds_again(
    client, employee, conversation
):
    joined_and_refused(employee, conversation)
    conversation.refresh_from_db()
    client.force_login(employee)
    client.post(
        step(conversation, "uitkomst"),
        {"answers_version": conversation.answers_version},
    )
    page = client.get(step(conversation, "uitkomst")).text
    assert "geldt niet meer" not in page
    assert "geldt nu" in page
    assert "Besluit 2 is vastgelegd" in page
    # The sentence to say stays: the employee may record first and speak then.
    assert "Wilt u de opname nu stoppen?" in page


def test_someone_joining_who_needs_no_consent_asks_for_no_stop(
    client, employee, conversation
):
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    client.force_login(employee)
    client.post(
        step(conversation, "uitkomst"),
        {"answers_version": conversation.answers_version},
    )
    add(employee, conversation, "Piet Collega", "uwv_colleague")
    page = client.get(step(conversation, "uitkomst")).text
    assert "Besluit 1 geldt niet meer" in page
    assert "Wilt u de opname nu stoppen?" not in page


def test_a_newcomer_not_yet_asked_stops_the_recording_until_asked(
    client, employee, conversation
):
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    client.force_login(employee)
    client.post(
        step(conversation, "uitkomst"),
        {"answers_version": conversation.answers_version},
    )
    add(employee, conversation, "Karin Smit")
    page = client.get(step(conversation, "uitkomst")).text
    assert "Besluit 1 geldt niet meer" in page
    assert "Wilt u de opname nu stoppen?" in page


def test_the_phone_script_says_what_to_say_when_someone_joins(client, employee):
    client.force_login(employee)
    page = client.get(reverse("rules:phone_script", args=["nl"])).text
    assert "Wilt u de opname nu stoppen?" in page


def test_a_phone_calls_inform_step_says_what_to_say_when_someone_joins(
    client, employee
):
    conversation = ConversationFactory(employee=employee, channel="phone", place="")
    answer(employee, conversation, "kind", kind="regular")
    answer(employee, conversation, "wish", wish="audio")
    answer(employee, conversation, "participants")
    client.force_login(employee)
    page = client.get(step(conversation, "spelregels")).text
    assert "Wilt u de opname nu stoppen?" in page
