"""Factories and helpers for clients, conversations and the checklist."""

import datetime
import itertools

import factory
from django.utils import timezone
from stdnum.nl import bsn as stdnum_bsn

from conversations.bsn import bsn_encrypt, bsn_hash
from conversations.checklist import Step, StepRef
from conversations.models import Client, Conversation
from conversations.services import checklist_answer, participant_add
from rules.selectors import rule_text_current
from tests.factories import UserFactory

_numbers = itertools.count(10_000_000)


def valid_bsn() -> str:
    """Return a fresh nine-digit number that passes the eleven-test."""
    while not stdnum_bsn.is_valid(number := f"1{next(_numbers):08d}"):
        pass
    return number


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    class Params:
        bsn = factory.LazyFunction(valid_bsn)

    display_name = factory.Sequence(lambda n: f"Klant {n}")
    bsn_encrypted = factory.LazyAttribute(lambda o: bsn_encrypt(o.bsn))
    bsn_hash = factory.LazyAttribute(lambda o: bsn_hash(o.bsn))


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    client = factory.SubFactory(ClientFactory)
    employee = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda o: o.employee.team)
    channel = "face_to_face"
    kind = "regular"
    scheduled_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    )
    place = "Amsterdam, kamer 3.12"


def answer(actor, conversation, step, participant=None, **values):
    """Give one answer through the service, as the pages do."""
    ref = StepRef(Step(step), str(participant.pk) if participant else None)
    return checklist_answer(
        actor=actor,
        conversation=conversation,
        ref=ref,
        answer=values,
        at=timezone.now(),
    )


def add(actor, conversation, name="Jan Derde", role="third_person"):
    return participant_add(
        actor=actor,
        conversation=conversation,
        name=name,
        role=role,
        at=timezone.now(),
    )


def handout(language="nl", audience="handout"):
    return rule_text_current(
        policy_version="2017-01", language=language, audience=audience
    )


def walk_to_outcome(
    actor,
    conversation,
    *,
    wish="audio",
    participants=(),
    accepts=True,
    consents=True,
    uwv=False,
):
    """Answer every question of an ordinary checklist; return the participants."""
    answer(actor, conversation, "kind", kind=conversation.kind)
    answer(actor, conversation, "wish", wish=wish)
    people = [add(actor, conversation, name, role) for name, role in participants]
    if wish == "audio":
        answer(actor, conversation, "participants")
        audience = "phone_script" if conversation.channel == "phone" else "handout"
        answer(
            actor,
            conversation,
            "inform",
            told=True,
            rule_text=handout(audience=audience),
        )
        answer(actor, conversation, "accepts", accepts=accepts)
        for person in people:
            if person.role != "uwv_colleague" and accepts:
                answer(actor, conversation, "consent", person, consents=consents)
                if not consents:
                    break  # a refusal ends the client's questions
    answer(actor, conversation, "uwv", uwv_records=uwv)
    if uwv:
        answer(actor, conversation, "uwv_details", reason="Voor het dossier", told=True)
    return people
