"""The checklist: one question per page; the server decides the next one."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import View

from conversations import forms as step_forms
from conversations.checklist import Plan, Step, StepRef
from conversations.errors import (
    BsnInTextError,
    ConversationClosedError,
    ConversationError,
    DecisionConflictError,
    ParticipantError,
)
from conversations.models import Conversation
from conversations.presentation import STEP_OF_SLUG, step_url
from conversations.selectors import plan_of
from conversations.services import (
    checklist_answer,
    conversation_view_record,
    decision_record,
    participant_add,
    participant_remove,
)
from conversations.views.base import StaffMixin
from conversations.views.pages import step_context
from rules.models import RuleText

FORMS: dict[Step, type[forms.Form]] = {
    Step.KIND: step_forms.KindForm,
    Step.WISH: step_forms.WishForm,
    Step.PARTICIPANTS: step_forms.ParticipantsForm,
    Step.INFORM: step_forms.InformForm,
    Step.ACCEPTS: step_forms.AcceptsForm,
    Step.CONSENT: step_forms.ConsentForm,
    Step.UWV: step_forms.UwvForm,
    Step.UWV_DETAILS: step_forms.UwvDetailsForm,
    Step.OUTCOME: step_forms.FinaliseForm,
}


class ChecklistStartView(StaffMixin, View):
    """Open (or resume) the checklist at the first question not answered yet."""

    needs_run = True
    needs_policy = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(
            step_url(self.conversation, plan_of(self.conversation).next)
        )


class ChecklistStepView(StaffMixin, View):
    """One step: GET shows the question, POST saves the answer and moves on."""

    needs_run = True
    needs_policy = True

    @cached_property
    def ref(self) -> StepRef:
        if "participant" in self.kwargs:
            return StepRef(Step.CONSENT, str(self.kwargs["participant"]))
        step = STEP_OF_SLUG.get(self.kwargs["slug"])
        if step is None or step is Step.CONSENT:
            raise Http404
        return StepRef(step)

    @cached_property
    def plan(self) -> Plan:
        return plan_of(self.conversation)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.plan.reachable(self.ref) and self.ref.step is not Step.OUTCOME:
            return HttpResponseRedirect(step_url(self.conversation, self.plan.next))
        conversation_view_record(actor=self.user, conversation=self.conversation)
        return self.render(self.initial_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = FORMS[self.ref.step](request.POST)
        if not form.is_valid():
            return self.render(form)
        if self.ref.step is Step.OUTCOME:
            return self.finalise(form)
        if self.ref.step is Step.PARTICIPANTS and _typed_in(request.POST):
            # Whoever was typed in before "Volgende" is added first, never dropped.
            here = step_url(self.conversation, self.ref)
            refused = add_participant_posted(self, self.ref, refused_url=here)
            if refused is not None:
                return refused
            del self.conversation  # read again, with the person just added
        try:
            conversation = checklist_answer(
                actor=self.user,
                conversation=self.conversation,
                ref=self.ref,
                answer=self.answer(form),
                at=timezone.now(),
            )
        except ConversationError as error:
            form.add_error(None, error)
            return self.render(form)
        return HttpResponseRedirect(step_url(conversation, plan_of(conversation).next))

    def answer(self, form: forms.Form) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        if self.ref.step is Step.INFORM:
            data["rule_text"] = self.inform_text(data["rule_text"])
        return data

    def inform_text(self, pk: int) -> RuleText | None:
        return RuleText.objects.filter(pk=pk).first()

    def finalise(self, form: forms.Form) -> HttpResponse:
        try:
            decision_record(
                actor=self.user,
                conversation=self.conversation,
                answers_version=form.cleaned_data["answers_version"],
            )
        except DecisionConflictError as error:
            messages.warning(self.request, error.messages[0])
        except ConversationError as error:
            messages.error(self.request, error.messages[0])
        return HttpResponseRedirect(step_url(self.conversation, StepRef(Step.OUTCOME)))

    def initial_form(self) -> forms.Form:
        return FORMS[self.ref.step](initial=_initial(self.conversation, self.ref))

    def render(self, form: forms.Form | None, status: int = 200) -> HttpResponse:
        context = step_context(
            self.conversation, self.plan, self.ref, form, self.request
        )
        context["flag"] = self.flag_shown()
        return render(self.request, context["template"], context, status=status)


def _typed_in(data: Any) -> bool:
    """Tell whether a name or role of someone to add was filled in."""
    return any(str(data.get(name, "")).strip() for name in ("name", "role"))


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _initial(conversation: Conversation, ref: StepRef) -> dict[str, Any]:
    """The answers given before, so that going back shows them."""
    if ref.step is Step.CONSENT:
        person = next(
            (
                p
                for p in conversation.participants.all()
                if str(p.pk) == ref.participant_id
            ),
            None,
        )
        if person is None:
            raise Http404
        return {"consents": _yes_no(person.consents)}
    return {
        "kind": conversation.kind,
        "wish": conversation.wish or None,
        "accepts": _yes_no(conversation.client_accepts_rules),
        "uwv_records": _yes_no(conversation.uwv_records),
        "reason": conversation.uwv_reason,
        "told": bool(conversation.participants_told_uwv_records)
        if ref.step is Step.UWV_DETAILS
        else bool(conversation.client_informed),
        "answers_version": conversation.answers_version,
    }


def add_participant_posted(
    view: StaffMixin, ref: StepRef, *, refused_url: str
) -> HttpResponse | None:
    """Add the person posted to ``view``; return None once added.

    Otherwise return the page at ``ref`` with the form's mistakes, or, when the
    service refuses, a redirect to ``refused_url`` with its message.
    """
    form = step_forms.ParticipantAddForm(view.request.POST)
    if not form.is_valid():
        conversation = view.conversation
        context = step_context(
            conversation, plan_of(conversation), ref, None, view.request, add_form=form
        )
        context["flag"] = view.flag_shown()
        return render(view.request, context["template"], context)
    try:
        participant_add(
            actor=view.user,
            conversation=view.conversation,
            at=timezone.now(),
            **form.cleaned_data,
        )
    except (BsnInTextError, ConversationClosedError) as error:
        messages.error(view.request, error.messages[0])
        return HttpResponseRedirect(refused_url)
    return None


class ParticipantAddView(StaffMixin, View):
    """Add someone who takes part (before, or joining during the conversation)."""

    needs_run = True
    needs_policy = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        back = request.POST.get("next") == "outcome"
        ref = StepRef(Step.OUTCOME if back else Step.PARTICIPANTS)
        next_url = self.next_url(back)
        refused = add_participant_posted(self, ref, refused_url=next_url)
        return refused or HttpResponseRedirect(next_url)

    def next_url(self, joined: bool) -> str:
        if joined:
            return reverse("conversations:checklist", args=[self.conversation.pk])
        return step_url(self.conversation, StepRef(Step.PARTICIPANTS))


class ParticipantRemoveView(StaffMixin, View):
    needs_run = True
    needs_policy = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            participant_remove(
                actor=self.user,
                conversation=self.conversation,
                participant_id=kwargs["participant"],
            )
        except (ParticipantError, ConversationClosedError) as error:
            messages.error(request, error.messages[0])
        return HttpResponseRedirect(
            step_url(self.conversation, StepRef(Step.PARTICIPANTS))
        )
