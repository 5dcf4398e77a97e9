"""Saving a checklist answer the moment it is given."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.catalogue import Action
from audit.payloads import CHECKLIST_ANSWERED, ChecklistAnswer
from audit.services.record import audit_record
from conversations.checklist import Step, StepRef, Wish
from conversations.errors import InvalidAnswerError, StepNotReachableError
from conversations.models import Conversation
from conversations.selectors import plan_of, rule_text_for
from conversations.services.common import (
    check_may_run,
    check_no_bsn,
    check_open,
    check_policy,
    failures_recorded,
    locked,
)
from rules.engine import Kind, Missing
from rules.models import RuleText

Answer = dict[str, Any]
MEDIATION_ROLE_NAMES = {
    Missing.MEDIATOR: gettext_lazy("een mediator"),
    Missing.OTHER_PARTY: gettext_lazy("een wederpartij"),
}


def checklist_answer(
    *,
    actor: User,
    conversation: Conversation,
    ref: StepRef,
    answer: Answer,
    at: datetime.datetime,
) -> Conversation:
    """Save one answer of the checklist; the server then decides the next step.

    Raises StepNotReachableError for a step that is not (yet) on the path,
    InvalidAnswerError (or BsnInTextError) for an answer the step cannot take,
    ConversationClosedError for a conversation cancelled or held, ScheduleError
    for a conversation on a date without a policy in force; PermissionDenied for
    anyone but an employee of the team.
    """
    check_may_run(actor, Action.CHECKLIST_ANSWERED, conversation)
    failed = failures_recorded(
        actor,
        lambda code: CHECKLIST_ANSWERED.refused({"step": ref.step, "code": code}),
        conversation=conversation,
    )
    with failed, transaction.atomic():
        return _answer(actor, conversation, ref, answer, at)


def _answer(
    actor: User,
    conversation: Conversation,
    ref: StepRef,
    answer: Answer,
    at: datetime.datetime,
) -> Conversation:
    conversation = locked(conversation)
    check_open(conversation)
    check_policy(conversation)
    if not plan_of(conversation).reachable(ref):
        raise StepNotReachableError(
            _("Deze vraag is nu niet aan de orde. Ga verder bij de volgende vraag."),
            code="not_reachable",
        )
    data = _APPLY[ref.step](conversation, ref, answer, at)
    conversation.answers_version += 1
    if conversation.status != Conversation.Status.IN_CHECKLIST:
        conversation.status = Conversation.Status.IN_CHECKLIST
    conversation.save()
    audit_record(
        actor=actor,
        event=CHECKLIST_ANSWERED({"step": ref.step.value, **data}),
        obj=conversation,
        client_ref=conversation.client.client_ref,
    )
    return conversation


def _kind(conv: Conversation, ref: StepRef, answer: Answer, at: Any) -> ChecklistAnswer:
    conv.kind = Kind(answer["kind"]).value
    conv.kind_confirmed = True
    return {"kind": conv.kind}


def _wish(conv: Conversation, ref: StepRef, answer: Answer, at: Any) -> ChecklistAnswer:
    conv.wish = Wish(answer["wish"]).value
    return {"wish": conv.wish}


def _participants(
    conv: Conversation, ref: StepRef, answer: Answer, at: Any
) -> ChecklistAnswer:
    conv.participants_confirmed = True
    if missing := plan_of(conv).mediation_roles_missing():
        names = [str(MEDIATION_ROLE_NAMES[Missing(code)]) for code in missing]
        raise InvalidAnswerError(
            _(
                "Bij een mediation doen een mediator en een wederpartij mee. Voeg nog "
                "toe: %(who)s."
            )
            % {"who": _(" en ").join(names)},
            code="mediation_incomplete",
        )
    return {"participants": len(conv.participants.all())}


def _inform(
    conv: Conversation, ref: StepRef, answer: Answer, at: Any
) -> ChecklistAnswer:
    text: RuleText | None = answer.get("rule_text")
    if text is None or text != _current_text(conv, text.language):
        raise InvalidAnswerError(
            _(
                "De spelregeltekst is intussen vernieuwd. Vertel de klant de nieuwe "
                "tekst en bevestig het opnieuw."
            ),
            code="stale_text",
        )
    if answer.get("told") is not True:
        raise InvalidAnswerError(
            _("Bevestig dat u de spelregels aan de klant hebt verteld."),
            code="not_told",
        )
    conv.client_informed, conv.informed_text = True, text
    return {
        "rule_text": text.pk,
        "language": text.language,
        "text_version": text.text_version,
    }


def _current_text(conv: Conversation, language: str) -> RuleText | None:
    """The text the client must be told: the newest for this channel and date."""
    try:
        return rule_text_for(conversation=conv, language=language)
    except RuleText.DoesNotExist:
        return None


def _accepts(
    conv: Conversation, ref: StepRef, answer: Answer, at: Any
) -> ChecklistAnswer:
    conv.client_accepts_rules = bool(answer["accepts"])
    return {"accepts": conv.client_accepts_rules}


def _consent(
    conv: Conversation, ref: StepRef, answer: Answer, at: Any
) -> ChecklistAnswer:
    participant = next(
        p for p in conv.participants.all() if str(p.pk) == ref.participant_id
    )
    participant.consents, participant.asked_at = bool(answer["consents"]), at
    participant.save(update_fields=["consents", "asked_at"])
    return {
        "participant": participant.pk,
        "role": participant.role,
        "consents": participant.consents,
    }


def _uwv(conv: Conversation, ref: StepRef, answer: Answer, at: Any) -> ChecklistAnswer:
    conv.uwv_records = bool(answer["uwv_records"])
    if not conv.uwv_records:
        conv.uwv_reason, conv.participants_told_uwv_records = "", None
    return {"uwv_records": conv.uwv_records}


def _uwv_details(
    conv: Conversation, ref: StepRef, answer: Answer, at: Any
) -> ChecklistAnswer:
    reason = str(answer.get("reason", "")).strip()
    if not reason:
        raise InvalidAnswerError(
            _("Schrijf op waarom UWV het gesprek opneemt."), code="no_reason"
        )
    check_no_bsn(reason)
    if answer.get("told") is not True:
        raise InvalidAnswerError(
            _("Bevestig dat iedereen die meedoet weet dat UWV opneemt."),
            code="not_told",
        )
    conv.uwv_reason, conv.participants_told_uwv_records = reason, True
    # The reason is free text: the trail only says that one was given.
    return {"reason_given": True, "participants_told": True}


def _outcome(
    conv: Conversation, ref: StepRef, answer: Answer, at: Any
) -> ChecklistAnswer:
    raise StepNotReachableError(_("De uitkomst is geen vraag."), code="not_a_question")


_APPLY: dict[Step, Callable[[Conversation, StepRef, Answer, Any], ChecklistAnswer]] = {
    Step.KIND: _kind,
    Step.WISH: _wish,
    Step.PARTICIPANTS: _participants,
    Step.INFORM: _inform,
    Step.ACCEPTS: _accepts,
    Step.CONSENT: _consent,
    Step.UWV: _uwv,
    Step.UWV_DETAILS: _uwv_details,
    Step.OUTCOME: _outcome,
}
