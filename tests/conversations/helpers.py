"""Running the checklist through its services, as the pages do."""

from django.utils import timezone

from conversations.checklist import Step, StepRef
from conversations.services import checklist_answer, participant_add
from rules.selectors import rule_text_current


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
