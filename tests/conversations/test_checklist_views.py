"""The checklist pages: one question each; the server picks the next one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conversations.models import Conversation, Decision, Participant
from conversations.selectors import conversation_for
from conversations.services import decision_record, participant_add
from tests.conversations.helpers import add, answer, walk_to_outcome
from tests.factories import ConversationFactory, UserFactory

pytestmark = pytest.mark.django_db


def step(conversation, slug):
    return reverse("conversations:step", args=[conversation.pk, slug])


def follow_post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def test_an_employee_walks_the_checklist_to_an_allowed_decision(client, employee):
    conversation = ConversationFactory(employee=employee)
    client.force_login(employee)
    start = client.get(reverse("conversations:checklist", args=[conversation.pk]))
    assert start["Location"] == step(conversation, "soort")
    page = client.get(step(conversation, "soort")).text
    assert 'aria-current="step"' in page
    assert "Volgende" in page
    assert conversation.client.bsn_masked in page
    assert conversation.client.bsn not in page
    assert follow_post(
        client, step(conversation, "soort"), {"kind": "regular"}
    ) == step(conversation, "opnemen")
    assert follow_post(
        client, step(conversation, "opnemen"), {"wish": "audio"}
    ) == step(conversation, "deelnemers")
    assert client.get(step(conversation, "deelnemers")).status_code == 200
    assert follow_post(client, step(conversation, "deelnemers"), {}) == step(
        conversation, "spelregels"
    )
    inform = client.get(step(conversation, "spelregels"))
    text = inform.context["rule_text"]
    assert text.audience == "handout"
    assert text.title in inform.text
    assert follow_post(
        client, step(conversation, "spelregels"), {"told": "on", "rule_text": text.pk}
    ) == step(conversation, "instemmen")
    follow_post(client, step(conversation, "instemmen"), {"accepts": "yes"})
    assert follow_post(
        client, step(conversation, "uwv"), {"uwv_records": "no"}
    ) == step(conversation, "uitkomst")
    outcome = client.get(step(conversation, "uitkomst")).text
    assert "De klant mag het gesprek opnemen" in outcome
    assert "2017-01" in outcome
    conversation.refresh_from_db()
    follow_post(
        client,
        step(conversation, "uitkomst"),
        {"answers_version": conversation.answers_version},
    )
    decision = Decision.objects.get(conversation=conversation)
    assert decision.outcome == "allowed"
    page = client.get(step(conversation, "uitkomst")).text
    assert "Besluit 1 is vastgelegd" in page


def test_a_missing_answer_shows_an_error_summary_linking_to_the_field(
    client, employee, conversation
):
    client.force_login(employee)
    response = client.post(step(conversation, "soort"), {})
    assert response.status_code == 200
    assert 'href="#id_kind_0"' in response.text
    assert "Kies wat voor gesprek het is." in response.text
    assert 'id="id_kind_0"' in response.text


def test_going_back_shows_the_answer_given(client, employee, conversation):
    client.force_login(employee)
    follow_post(client, step(conversation, "soort"), {"kind": "regular"})
    follow_post(client, step(conversation, "opnemen"), {"wish": "video"})
    page = client.get(step(conversation, "opnemen")).text
    assert 'value="video" id="id_wish_2" checked' in page
    assert f'href="{step(conversation, "soort")}"' in page


def test_a_step_ahead_of_the_answers_redirects_to_the_next_question(
    client, employee, conversation
):
    client.force_login(employee)
    response = client.get(step(conversation, "instemmen"))
    assert response["Location"] == step(conversation, "soort")


def test_a_double_finalisation_gives_one_decision_and_a_dutch_message(
    client, employee, conversation
):
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    client.force_login(employee)
    data = {"answers_version": conversation.answers_version}
    client.post(step(conversation, "uitkomst"), data)
    client.post(step(conversation, "uitkomst"), data)
    page = client.get(step(conversation, "uitkomst")).text
    assert "was al vastgelegd" in page
    assert Decision.objects.filter(conversation=conversation).count() == 1


def test_someone_joining_after_the_decision_opens_their_consent(
    client, employee, conversation
):
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    client.force_login(employee)
    client.post(
        step(conversation, "uitkomst"),
        {"answers_version": conversation.answers_version},
    )
    location = follow_post(
        client,
        reverse("conversations:participant_add", args=[conversation.pk]),
        {"name": "Karin", "role": "third_person", "next": "outcome"},
    )
    joiner = conversation.participants.get()
    assert client.get(location)["Location"] == reverse(
        "conversations:consent", args=[conversation.pk, joiner.pk]
    )


# Session, user with team and roles (one query, accounts.backends), conversation
# with its client and the client's flag (one query), its participants (one); the
# view is audited (one insert); the session is renewed, as on the first request
# after logging in (savepoint, update, release). The outcome page adds its
# decisions and the rule text its passages come from.
STEP_QUERIES = {"soort": 8, "opnemen": 8, "uitkomst": 10}


@pytest.mark.parametrize("volume", [1, 25])
@pytest.mark.parametrize("slug", list(STEP_QUERIES))
def test_step_pages_run_a_constant_number_of_queries(
    client, employee, django_assert_num_queries, slug, volume
):
    conversation = ConversationFactory(employee=employee)
    people = [(f"Deelnemer {number}", "third_person") for number in range(volume)]
    walk_to_outcome(employee, conversation, participants=people)
    ConversationFactory.create_batch(volume, employee=employee)
    client.force_login(employee)
    with django_assert_num_queries(STEP_QUERIES[slug]):
        assert client.get(step(conversation, slug)).status_code == 200


# Session, user, the conversation with its client and the client's flag, its
# participants; in the answer's transaction (a savepoint here) the conversation
# locked, then read again with its client, its participants again, its update and
# the audit event.
ANSWER_QUERIES = 11


@pytest.mark.parametrize("volume", [1, 25])
def test_an_answer_runs_a_constant_number_of_queries(
    client, employee, django_assert_num_queries, volume
):
    conversation = ConversationFactory(employee=employee)
    answer(employee, conversation, "kind", kind=conversation.kind)
    for number in range(volume):
        add(employee, conversation, f"Deelnemer {number}")
    client.force_login(employee)
    client.get(step(conversation, "opnemen"))  # renews the session once
    with django_assert_num_queries(ANSWER_QUERIES):
        response = client.post(step(conversation, "opnemen"), {"wish": "audio"})
    assert response.status_code == 302
    assert Conversation.objects.get(pk=conversation.pk).wish == "audio"


def test_a_page_reads_the_people_taking_part_as_stored(
    employee, django_assert_num_queries
):
    conversation = ConversationFactory(employee=employee)
    walk_to_outcome(
        employee,
        conversation,
        participants=[("Jan Derde", "third_person"), ("Ada Tolk", "interpreter")],
    )
    decision_record(
        actor=employee,
        conversation=Conversation.objects.get(pk=conversation.pk),
        answers_version=Conversation.objects.get(pk=conversation.pk).answers_version,
    )
    participant_add(
        actor=employee,
        conversation=Conversation.objects.get(pk=conversation.pk),
        name="Piet Later",
        role="representative",
        at=timezone.now(),
    )
    fields = [field.attname for field in Participant._meta.concrete_fields]
    stored = list(
        Participant.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list(*fields)
    )
    assert [row[fields.index("joined_at")] is None for row in stored] == [
        True,
        True,
        False,
    ]
    assert stored[0][fields.index("asked_at")] is not None
    employee.roles  # noqa: B018 - loaded with the user on a request
    # The conversation with its client (the flag a column of it), its participants.
    with django_assert_num_queries(2):
        page = conversation_for(user=employee, pk=conversation.pk)
        people = list(page.participants.all())
        assert [tuple(getattr(p, f) for f in fields) for p in people] == stored
        assert page.client.flag is None
        assert all(p.conversation is page for p in people)
    assert all(p.pk and not p._state.adding for p in people)


def test_another_teams_conversation_is_a_404_for_every_url(client, conversation):
    stranger = UserFactory(team_lead=True)
    client.force_login(stranger)
    pk = conversation.pk
    urls = [
        reverse("conversations:detail", args=[pk]),
        reverse("conversations:checklist", args=[pk]),
        step(conversation, "soort"),
        step(conversation, "uitkomst"),
        reverse("conversations:consent", args=[pk, 1]),
        reverse("conversations:reschedule", args=[pk]),
        reverse("conversations:cancel", args=[pk]),
        reverse("conversations:conclude", args=[pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    for url in (
        reverse("conversations:participant_add", args=[pk]),
        reverse("conversations:participant_remove", args=[pk, 1]),
    ):
        assert client.post(url, {}).status_code == 404, url


def test_a_team_lead_sees_the_conversation_but_may_not_run_the_checklist(
    client, team_lead, conversation
):
    client.force_login(team_lead)
    assert (
        client.get(reverse("conversations:detail", args=[conversation.pk])).status_code
        == 200
    )
    assert client.get(step(conversation, "soort")).status_code == 403
    assert (
        client.post(step(conversation, "soort"), {"kind": "regular"}).status_code == 403
    )
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.PLANNED


@pytest.mark.parametrize("persona", ["auditor", "admin_user"])
def test_auditors_and_admins_do_not_open_conversations(
    client, request, persona, conversation
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("conversations:list")).status_code == 403
    assert client.get(step(conversation, "soort")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, conversation):
    url = step(conversation, "soort")
    response = client.get(url)
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_each_step_page_view_is_audited(client, employee, conversation):
    client.force_login(employee)
    client.get(step(conversation, "soort"))
    event = AuditEvent.objects.filter(
        action="conversation.viewed", object_id=str(conversation.pk)
    ).get()
    assert event.client_ref == conversation.client.client_ref
    assert event.data == {}


def test_a_team_lead_may_not_add_or_remove_participants(client, team_lead, employee):
    conversation = ConversationFactory(employee=employee)
    person = add(employee, conversation, "Els")
    client.force_login(team_lead)
    add_url = reverse("conversations:participant_add", args=[conversation.pk])
    remove_url = reverse(
        "conversations:participant_remove", args=[conversation.pk, person.pk]
    )
    assert client.post(add_url, {"name": "X", "role": "interpreter"}).status_code == 403
    assert client.post(remove_url).status_code == 403
    assert conversation.participants.count() == 1


def test_a_participant_added_by_mistake_is_removed_before_any_decision(
    client, employee, conversation
):
    person = add(employee, conversation, "Els")
    client.force_login(employee)
    url = reverse("conversations:participant_remove", args=[conversation.pk, person.pk])
    client.post(url)
    assert not conversation.participants.exists()
    event = AuditEvent.objects.get(
        action="participant.removed", object_id=str(person.pk)
    )
    assert event.data == {"conversation": conversation.pk, "role": "third_person"}


def test_the_outcome_page_says_what_is_still_to_ask(client, employee, conversation):
    client.force_login(employee)
    follow_post(client, step(conversation, "soort"), {"kind": "regular"})
    follow_post(client, step(conversation, "opnemen"), {"wish": "audio"})
    page = client.get(step(conversation, "uitkomst")).text
    assert "Nog te vragen" in page
    assert "De spelregels zijn nog niet verteld." in page
    assert f'href="{step(conversation, "spelregels")}"' in page
    assert "Besluit vastleggen" not in page
    assert f'href="{step(conversation, "deelnemers")}">Ga verder' in page


def test_someone_typed_in_before_next_is_added_not_dropped(
    client, employee, conversation
):
    client.force_login(employee)
    follow_post(client, step(conversation, "soort"), {"kind": "regular"})
    follow_post(client, step(conversation, "opnemen"), {"wish": "audio"})
    response = client.post(
        step(conversation, "deelnemers"), {"name": "Jan Derde", "role": "third_person"}
    )
    assert response.status_code == 302
    person = conversation.participants.get()
    assert (person.name, person.role) == ("Jan Derde", "third_person")
    # Their consent is asked before the outcome can say anything.
    outcome = client.get(step(conversation, "uitkomst")).text
    assert "Besluit vastleggen" not in outcome


def test_someone_half_typed_in_before_next_stops_the_step_and_keeps_the_name(
    client, employee, conversation
):
    client.force_login(employee)
    follow_post(client, step(conversation, "soort"), {"kind": "regular"})
    follow_post(client, step(conversation, "opnemen"), {"wish": "audio"})
    response = client.post(step(conversation, "deelnemers"), {"name": "Jan Derde"})
    assert response.status_code == 200
    assert "Kies de rol van wie meedoet." in response.text
    assert 'value="Jan Derde"' in response.text
    assert not conversation.participants.exists()
    conversation.refresh_from_db()
    assert not conversation.participants_confirmed


def test_next_with_nobody_typed_in_moves_on_as_before(client, employee, conversation):
    client.force_login(employee)
    follow_post(client, step(conversation, "soort"), {"kind": "regular"})
    follow_post(client, step(conversation, "opnemen"), {"wish": "audio"})
    response = client.post(step(conversation, "deelnemers"), {"name": " ", "role": ""})
    assert response.status_code == 302
    assert response["Location"] == step(conversation, "spelregels")
    assert not conversation.participants.exists()
