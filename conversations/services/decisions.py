"""Finalising the checklist: recording an immutable decision."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.catalogue import Action
from audit.payloads import DECISION_RECORDED
from audit.services.record import audit_record
from conversations.errors import (
    ChecklistIncompleteError,
    ConversationClosedError,
    DecisionConflictError,
)
from conversations.models import Conversation, Decision
from conversations.selectors import plan_of
from conversations.services.common import (
    check_may_run,
    check_policy,
    failures_recorded,
    locked,
)
from rules.engine import Facts, Ruling
from rules.engine.contract import Request, request_to_json


def decision_record(
    *, actor: User, conversation: Conversation, answers_version: int
) -> Decision:
    """Record the decision the answers lead to; it supersedes the previous one.

    ``answers_version`` is the version of the answers the actor saw: if anything
    changed since, or the decision was already recorded (a second tab, a double
    click, a colleague), nothing is recorded and DecisionConflictError says why.
    """
    check_may_run(actor, Action.DECISION_RECORDED, conversation)
    with failures_recorded(actor, DECISION_RECORDED.coded, conversation=conversation):
        try:
            with transaction.atomic():
                return _record(actor, conversation, answers_version)
        except IntegrityError:
            # The constraint (conversation, sequence) caught a race the lock missed.
            raise DecisionConflictError(
                _already_decided(), code="already_decided"
            ) from None


def _already_decided() -> str:
    return _(
        "Het besluit voor dit gesprek was al vastgelegd, in een ander venster of "
        "door een collega. Hieronder ziet u het besluit dat geldt."
    )


def _record(actor: User, conversation: Conversation, answers_version: int) -> Decision:
    conversation = locked(conversation)
    if conversation.status == Conversation.Status.DECIDED:
        raise DecisionConflictError(_already_decided(), code="already_decided")
    if conversation.status != Conversation.Status.IN_CHECKLIST:
        raise ConversationClosedError(
            _("Dit gesprek is %(status)s: er kan geen besluit meer bij.")
            % {"status": conversation.get_status_display()},
            code="closed",
        )
    if conversation.answers_version != answers_version:
        raise DecisionConflictError(
            _(
                "De antwoorden zijn intussen veranderd. Bekijk de uitkomst opnieuw en "
                "leg hem dan vast."
            ),
            code="answers_changed",
        )
    check_policy(conversation)
    plan = plan_of(conversation)
    if not plan.complete or plan.decision is None or plan.facts is None:
        raise ChecklistIncompleteError(
            _("Nog niet alle vragen zijn beantwoord."), code="incomplete"
        )
    previous = conversation.decisions.order_by("-sequence").first()
    decision = _create(actor, conversation, plan.facts, plan.decision, previous)
    conversation.status = Conversation.Status.DECIDED
    conversation.save(update_fields=["status"])
    _audit(actor, conversation, decision)
    return decision


def _create(
    actor: User,
    conversation: Conversation,
    facts: Facts,
    engine: Ruling,
    previous: Decision | None,
) -> Decision:
    text = conversation.informed_text
    return Decision.objects.create(
        conversation=conversation,
        sequence=(previous.sequence + 1) if previous else 1,
        facts=request_to_json(Request(facts=facts)),
        policy_version=engine.policy_version,
        outcome=engine.outcome.value,
        reasons=[str(code) for code in engine.reasons],
        missing=[str(code) for code in engine.missing],
        conditions=[str(code) for code in engine.conditions],
        uwv_recording=engine.uwv_recording.value,
        uwv_missing=[str(code) for code in engine.uwv_missing],
        rule_text=text,
        rule_text_language=text.language if text else "",
        decided_by=actor,
        supersedes=previous,
    )


def _audit(actor: User, conversation: Conversation, decision: Decision) -> None:
    audit_record(
        actor=actor,
        event=DECISION_RECORDED(
            {
                "conversation": conversation.pk,
                "sequence": decision.sequence,
                "policy_version": decision.policy_version,
                "outcome": decision.outcome,
                "reasons": decision.reasons,
                "conditions": decision.conditions,
                "uwv_recording": decision.uwv_recording,
                "rule_text": decision.rule_text_id,
                "rule_text_language": decision.rule_text_language,
                "supersedes": decision.supersedes_id,
            }
        ),
        obj=decision,
        client_ref=conversation.client.client_ref,
    )
