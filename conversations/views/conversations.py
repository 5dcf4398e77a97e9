"""Today's conversations, and planning, moving, cancelling and closing them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from conversations.errors import (
    BsnInTextError,
    ClientNotFoundError,
    ConversationError,
)
from conversations.forms import (
    AppointmentForm,
    ConcludeForm,
    PhoneCallForm,
    RescheduleForm,
)
from conversations.models import Conversation
from conversations.schedule import EARLIEST_DATE
from conversations.selectors import (
    conversation_has_policy,
    conversations_coming_for,
    conversations_past_for,
    decisions_of,
)
from conversations.services import (
    client_find_or_register,
    conversation_cancel,
    conversation_conclude,
    conversation_register,
    conversation_reschedule,
    conversation_start_call,
    conversation_view_record,
)
from conversations.views.base import StaffMixin
from conversations.views.kept_bsn import KeptBsnMixin


def detail_url(pk: int) -> str:
    return reverse("conversations:detail", args=[pk])


def made_message(conversation: Conversation) -> str:
    """Say the appointment is made, and where a past one is found."""
    if timezone.localdate(conversation.scheduled_at) < timezone.localdate():
        return _(
            "Het gesprek is vastgelegd. Het was voor vandaag: u vindt het bij "
            "Eerdere gesprekken."
        )
    return _("De afspraak is gemaakt.")


class ConversationListView(StaffMixin, TemplateView):
    """Today's and upcoming conversations of the team, the user's own first."""

    template_name = "conversations/conversation_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["conversations"] = conversations_coming_for(user=self.user, at=now)
        context["today"] = timezone.localdate(now)
        context["may_run"] = self.may_run()
        return context


class PastConversationListView(StaffMixin, TemplateView):
    """The team's conversations before today, newest first, a page at a time."""

    template_name = "conversations/conversation_list_past.html"
    paginate_by = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        rows = conversations_past_for(user=self.user, at=now)
        # get_page: a page number that is not one shows the first or last page.
        context["page"] = Paginator(rows, self.paginate_by).get_page(
            self.request.GET.get("pagina")
        )
        context["today"] = timezone.localdate(now)
        return context


class AppointmentCreateView(StaffMixin, KeptBsnMixin, FormView):
    """Plan an appointment: find or register the client by BSN (a POST form)."""

    needs_run = True
    form_class = AppointmentForm
    template_name = "conversations/conversation_form.html"
    extra_context = {"title": gettext_lazy("Afspraak maken")}  # noqa: RUF012

    def form_valid(self, form: AppointmentForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            client = client_find_or_register(
                actor=self.user, bsn=data["bsn"], display_name=data["display_name"]
            )
        except (ClientNotFoundError, BsnInTextError) as error:
            form.add_error("display_name", error)
            return self.form_invalid(form)
        try:
            conversation = conversation_register(
                actor=self.user,
                client=client,
                channel=data["channel"],
                kind=data["kind"],
                scheduled_at=form.scheduled_at(),
                place=data["place"],
            )
        except ConversationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.bsn_used()
        messages.success(self.request, made_message(conversation))
        return HttpResponseRedirect(detail_url(conversation.pk))


class PhoneCallStartView(StaffMixin, KeptBsnMixin, FormView):
    """A phone call now: find the client and open the checklist at once."""

    needs_run = True
    form_class = PhoneCallForm
    template_name = "conversations/conversation_form.html"
    extra_context = {"title": gettext_lazy("Telefoongesprek starten"), "phone": True}  # noqa: RUF012

    def form_valid(self, form: PhoneCallForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            conversation = conversation_start_call(
                actor=self.user,
                bsn=data["bsn"],
                display_name=data["display_name"],
                kind=data["kind"],
                at=timezone.now(),
            )
        except ConversationError as error:
            form.add_error("display_name", error)
            return self.form_invalid(form)
        self.bsn_used()
        return HttpResponseRedirect(
            reverse("conversations:checklist", args=[conversation.pk])
        )


class ConversationDetailView(StaffMixin, TemplateView):
    """One conversation: who, when, the decisions (superseded ones too)."""

    template_name = "conversations/conversation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        conversation_view_record(actor=self.user, conversation=self.conversation)
        context = super().get_context_data(**kwargs)
        context["conversation"] = self.conversation
        context["decisions"] = decisions_of(conversation=self.conversation)
        context["may_run"] = self.may_run()
        context["has_policy"] = conversation_has_policy(self.conversation)
        context["earliest"] = EARLIEST_DATE
        context["today"] = today = timezone.localdate()
        context["is_past"] = timezone.localdate(self.conversation.scheduled_at) < today
        context["flag"] = self.flag_shown()
        return context


class ConversationFormView(StaffMixin, FormView):
    """A form about one conversation; a refusal by the service shows on the form."""

    needs_run = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["conversation"] = self.conversation
        context["flag"] = self.flag_shown()
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.save(form)
        except ConversationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(detail_url(self.conversation.pk))

    def save(self, form: Any) -> None:
        raise NotImplementedError


class RescheduleView(ConversationFormView):
    form_class = RescheduleForm
    template_name = "conversations/conversation_reschedule.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "channel": self.conversation.channel}

    def get_initial(self) -> dict[str, Any]:
        moment = timezone.localtime(self.conversation.scheduled_at)
        return {
            "date": moment.date(),
            "time": moment.time(),
            "place": self.conversation.place,
        }

    def save(self, form: RescheduleForm) -> None:
        conversation_reschedule(
            actor=self.user,
            conversation=self.conversation,
            scheduled_at=form.scheduled_at(),
            place=form.cleaned_data["place"],
        )
        messages.success(self.request, _("De afspraak is verzet."))


class CancelView(ConversationFormView):
    form_class = forms.Form
    template_name = "conversations/conversation_cancel.html"

    def save(self, form: Any) -> None:
        conversation_cancel(actor=self.user, conversation=self.conversation)
        messages.success(self.request, _("Het gesprek is geannuleerd."))


class ConcludeView(ConversationFormView):
    """After the conversation: did the client record, did UWV?"""

    form_class = ConcludeForm
    template_name = "conversations/conversation_conclude.html"

    def save(self, form: ConcludeForm) -> None:
        conversation_conclude(
            actor=self.user,
            conversation=self.conversation,
            client_recorded=form.cleaned_data["client_recorded"],
            uwv_recorded=form.cleaned_data["uwv_recorded"],
        )
        messages.success(self.request, _("Vastgelegd: het gesprek is gehouden."))
