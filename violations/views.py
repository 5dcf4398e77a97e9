"""The violation pages: thin views over the selectors and services."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from accounts.models import User
from conversations.models import Conversation
from conversations.selectors import conversation_for
from conversations.services import client_flag_shown
from violations import selectors, services
from violations.access import (
    filed_it_themselves,
    may_decide,
    may_print_letter,
    may_read_reports,
    may_receive_notifications,
    may_report,
    may_withdraw,
)
from violations.forms import DecideForm, ReportForm, WithdrawForm
from violations.letter import (
    Letter,
    letter_for,
    letter_pdf,
    letter_pdf_filename,
    report_reference,
)
from violations.models import BrokenRule, ViolationReport


class UserMixin:
    request: HttpRequest

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]


class ReaderMixin(UserMixin):
    """Team leads and auditors; everyone else gets a 404."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_read_reports(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ReportCreateView(UserMixin, FormView):
    form_class = ReportForm
    template_name = "violations/report_form.html"

    @cached_property
    def conversation(self) -> Conversation:
        conversation = conversation_for(user=self.user, pk=self.kwargs["conversation"])
        if not may_report(self.user, conversation):
            raise Http404
        return conversation

    @cached_property
    def earlier_reports(self) -> list[ViolationReport]:
        return selectors.reports_of_conversation(conversation=self.conversation)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "earlier_reports": bool(self.earlier_reports),
        }

    def get_initial(self) -> dict[str, Any]:
        # "Klant nam op" under a refusal links here with the rule it broke.
        rule = self.request.GET.get("regel")
        return {"rule": rule} if rule in BrokenRule.values else {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            conversation=self.conversation,
            earlier_reports=self.earlier_reports,
            flag=client_flag_shown(
                actor=self.user,
                client=self.conversation.client,
                page=self.request.resolver_match.view_name,  # type: ignore[union-attr]
            ),
            **kwargs,
        )

    def form_valid(self, form: ReportForm) -> HttpResponse:
        try:
            services.violation_report(
                actor=self.user,
                conversation=self.conversation,
                at=timezone.now(),
                **form.cleaned_data,
            )
        except services.ViolationError as error:
            # Reported meanwhile (or seen and not ticked): show the reports, ask.
            del self.earlier_reports
            form = self.get_form()
            form.is_valid()
            form.add_error(
                "other_than_earlier" if "other_than_earlier" in form.fields else None,
                error,
            )
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Uw melding is opgeslagen. Een teamleider beslist erover."),
        )
        return HttpResponseRedirect(
            reverse("conversations:detail", args=[self.conversation.pk])
        )


class QueueView(ReaderMixin, TemplateView):
    template_name = "violations/report_queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        reports = selectors.open_reports_for(user=self.user)[:200]
        return super().get_context_data(reports=reports, **kwargs)


class FlaggedListView(ReaderMixin, TemplateView):
    template_name = "violations/flagged_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        reports = list(selectors.flagged_reports_for(user=self.user)[:500])
        services.flags_view_record(actor=self.user, reports=reports)
        return super().get_context_data(reports=reports, **kwargs)


class ReportMixin(ReaderMixin):
    kwargs: dict[str, Any]

    @cached_property
    def report(self) -> ViolationReport:
        return selectors.report_for(user=self.user, pk=self.kwargs["pk"])

    def render_detail(self, **forms: Any) -> HttpResponse:
        report, user = self.report, self.user
        context = {
            "report": report,
            "reference": report_reference(report),
            "history": selectors.history_of(report),
            "may_decide": may_decide(user, report),
            "own_report": filed_it_themselves(user, report),
            "may_withdraw": may_withdraw(user, report),
            "may_print_letter": may_print_letter(user, report),
            "decide_form": forms.get("decide_form") or DecideForm(),
            "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        }
        status = 400 if forms else 200
        return render(
            self.request, "violations/report_detail.html", context, status=status
        )


class ReportDetailView(ReportMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.report_view_record(actor=self.user, report=self.report)
        return self.render_detail()


class ReportActionView(ReportMixin, View):
    """A team lead's form on the report's page: a service call with a reason.

    An invalid form, or one the service refuses, shows the page again with it.
    """

    form_class: type[forms.Form]
    form_name: str

    def act(self, data: dict[str, Any]) -> str:
        """Call the service with the form's ``data``; return what to tell the user."""
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                done = self.act(form.cleaned_data)
            except services.ViolationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(
                    reverse("violations:detail", args=[self.report.pk])
                )
        return self.render_detail(**{self.form_name: form})


class DecideView(ReportActionView):
    form_class, form_name = DecideForm, "decide_form"

    def act(self, data: dict[str, Any]) -> str:
        decide = (
            services.violation_confirm
            if data["decision"] == "confirm"
            else services.violation_dismiss
        )
        decide(
            actor=self.user,
            report=self.report,
            reason=data["reason"],
            at=timezone.now(),
        )
        return _("Uw besluit is vastgelegd.")


class WithdrawView(ReportActionView):
    form_class, form_name = WithdrawForm, "withdraw_form"

    def act(self, data: dict[str, Any]) -> str:
        services.violation_withdraw(
            actor=self.user,
            report=self.report,
            reason=data["reason"],
            at=timezone.now(),
        )
        return _("De overtreding is ingetrokken.")


class LetterMixin(ReportMixin):
    """The letter about a confirmed report, in ``?lang=`` (nl, en) or the UI's."""

    pdf = False

    def letter(self) -> Letter:
        language = self.request.GET.get("lang") or translation.get_language()
        language = "en" if language == "en" else "nl"
        try:
            services.letter_print_record(
                actor=self.user, report=self.report, language=language, pdf=self.pdf
            )
        except PermissionDenied:
            raise Http404 from None
        return letter_for(
            report=self.report, language=language, on=timezone.localdate()
        )


class LetterView(LetterMixin, View):
    """The letter as a page, with a print button and the PDF to download."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        letter = self.letter()
        other = "nl" if letter.language == "en" else "en"
        return render(
            request, "violations/letter.html", {"letter": letter, "other": other}
        )


class LetterPdfView(LetterMixin, View):
    """The letter as a tagged PDF, downloaded."""

    pdf = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        letter = self.letter()
        response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
        response["Content-Disposition"] = (
            content_disposition_header(
                as_attachment=True, filename=letter_pdf_filename(letter)
            )
            or "attachment"
        )
        return response


class RecipientMixin(UserMixin):
    """Members of a team, who get messages; anyone else gets a 404."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_receive_notifications(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class NotificationListView(RecipientMixin, TemplateView):
    template_name = "violations/notification_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        notifications = list(selectors.notifications_for(user=self.user)[:100])
        services.notifications_read(user=self.user, at=timezone.now())
        return super().get_context_data(notifications=notifications, **kwargs)


class NotificationCountView(RecipientMixin, TemplateView):
    """The link in the navigation, with the unread count; fetched by htmx."""

    template_name = "violations/_nav_count.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        count = selectors.unread_count_for(user=self.user)
        return super().get_context_data(unread=count, **kwargs)
