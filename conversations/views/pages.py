"""Everything a checklist page shows besides its form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from conversations import forms as step_forms
from conversations.checklist import Plan, Step, StepRef, needs_consent
from conversations.models import Conversation, Decision
from conversations.presentation import (
    NAMES,
    client_language,
    indicator,
    outcome_panel,
    step_url,
    stored_decision_panel,
)
from conversations.selectors import decisions_of, rule_text_for
from rules.engine import Outcome, ParticipantRole
from rules.models import RuleText

TEMPLATES = {
    Step.PARTICIPANTS: "conversations/checklist_participants.html",
    Step.INFORM: "conversations/checklist_inform.html",
    Step.OUTCOME: "conversations/checklist_outcome.html",
}
QUESTION_TEMPLATE = "conversations/checklist_question.html"


def step_context(
    conversation: Conversation,
    plan: Plan,
    ref: StepRef,
    form: forms.Form | None,
    request: HttpRequest,
    add_form: forms.Form | None = None,
) -> dict[str, Any]:
    """Return the template and context of one checklist page."""
    previous = plan.previous(ref)
    context: dict[str, Any] = {
        **_back(conversation, previous),
        "template": TEMPLATES.get(ref.step, QUESTION_TEMPLATE),
        "conversation": conversation,
        "step": ref.step.value,
        "step_name": NAMES[ref.step],
        "steps": indicator(conversation, plan, ref),
        "form": form,
        "add_form": add_form or step_forms.ParticipantAddForm(),
        "participants": _participants(conversation),
        "rule_text": None,
    }
    context.update(_EXTRA.get(ref.step, _nothing)(conversation, plan, ref, request))
    return context


def _back(conversation: Conversation, previous: StepRef | None) -> dict[str, Any]:
    """The back link: the step before, or from the first step the conversation.

    Answers are saved as they are given, so leaving the checklist loses none;
    the conversation's page resumes it.
    """
    if previous is not None:
        return {"back_url": step_url(conversation, previous), "back_label": _BACK}
    return {
        "back_url": reverse("conversations:detail", args=[conversation.pk]),
        "back_label": _BACK_TO_CONVERSATION,
    }


_BACK = gettext_lazy("Terug")
_BACK_TO_CONVERSATION = gettext_lazy("Terug naar het gesprek")


def _nothing(*args: Any) -> dict[str, Any]:
    return {}


def _participants(conversation: Conversation) -> list[dict[str, Any]]:
    return [
        {"person": p, "asked": needs_consent(ParticipantRole(p.role))}
        for p in conversation.participants.all()
    ]


def _consent(
    conversation: Conversation, plan: Plan, ref: StepRef, request: Any
) -> dict[str, Any]:
    for person in conversation.participants.all():
        if str(person.pk) == ref.participant_id:
            return {"person": person}
    raise Http404


def _inform(
    conversation: Conversation, plan: Plan, ref: StepRef, request: HttpRequest
) -> dict[str, Any]:
    asked = request.GET.get("taal")
    language = (
        asked if asked in RuleText.Language.values else client_language(conversation)
    )
    try:
        text = rule_text_for(conversation=conversation, language=language)
    except RuleText.DoesNotExist:
        text = None
    return {
        "rule_text": text,
        "language": language,
        "other_languages": [
            (code, label)
            for code, label in RuleText.Language.choices
            if code != language
        ],
        "form_text_id": text.pk if text else None,
    }


def _outcome(
    conversation: Conversation, plan: Plan, ref: StepRef, request: Any
) -> dict[str, Any]:
    decisions = decisions_of(conversation=conversation)
    current = decisions[0] if decisions else None
    decided = conversation.status in (
        Conversation.Status.DECIDED,
        Conversation.Status.HELD,
    )
    engine = plan.decision
    # Someone joined after a decision: it holds no longer; the next one replaces it.
    replaced = current if current is not None and not decided else None
    panel = None
    if decided and current is not None:
        earlier = decisions[1] if len(decisions) > 1 else None
        panel = stored_decision_panel(
            conversation, current, recording_may_run=_allowed(earlier)
        )
    elif engine is not None:
        panel = outcome_panel(
            conversation,
            engine,
            engine.policy_version,
            recording_may_run=_allowed(replaced),
        )
    return {
        "panel": panel,
        "replaced": replaced,
        "engine": engine,
        "decided": decided,
        "current": current,
        "decisions": decisions,
        "complete": plan.complete,
        "next_url": step_url(conversation, plan.next),
        "finalise_form": step_forms.FinaliseForm(
            initial={"answers_version": conversation.answers_version}
        ),
        "now": timezone.now(),
    }


def _allowed(decision: Decision | None) -> bool:
    """Tell whether ``decision`` let the client record (who may be recording now)."""
    return decision is not None and decision.outcome == Outcome.ALLOWED


_EXTRA = {Step.CONSENT: _consent, Step.INFORM: _inform, Step.OUTCOME: _outcome}
