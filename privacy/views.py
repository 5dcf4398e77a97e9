"""The privacy pages: the retention schedule, legal holds, access exports and
erasures; thin views."""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from accounts.models import User
from accounts.roles import Role
from audit.payloads import (
    ACCESS_DOWNLOADED,
    ACCESS_REQUESTED,
    ACCESS_VIEWED,
    ERASURE_APPROVED,
    ERASURE_DECLINED,
    ERASURE_REQUESTED,
    ERASURE_VIEWED,
    HOLD_LIFT_REQUESTED,
    HOLD_LIFTED,
    HOLD_PLACED,
    HOLD_VIEWED,
    Catalogued,
)
from privacy import selectors
from privacy.access import (
    asked_to_erase_themselves,
    asked_to_lift_themselves,
    erasure_approving_role,
    erasure_role,
    may_agree_to_lift,
    may_decide_erasure,
    may_handle_erasures,
    may_manage_holds,
    may_request_lift,
    may_view_schedule,
)
from privacy.forms import (
    AccessRequestForm,
    ErasureApproveForm,
    ErasureDeclineForm,
    ErasureRequestForm,
    HoldPlaceForm,
    LiftAgreeForm,
    LiftRequestForm,
)
from privacy.models import AccessExport, ErasureRequest, LegalHold
from privacy.presentation import (
    HoldStatus,
    access_export_percent,
    erasure_refusal_text,
    hold_status,
    removed_rows,
)
from privacy.services import access_export as access_services
from privacy.services import erasure
from privacy.services import holds as services

# Where on the form a refusal of ``hold_place`` is shown (else above the fields).
FIELD_OF_CODE = {
    "not_found": "bsn",
    "until_past": "until",
    "until_too_late": "until",
    "reason_missing": "reason",
    "case_missing": "case_reference",
}


class UserMixin:
    request: HttpRequest

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]


def privacy_tabs(user: User) -> list[tuple[str, str, str]]:
    """Return the privacy pages ``user`` may open: (key, url, label), for the tabs."""
    tabs = (
        ("schedule", "privacy:schedule", _("Bewaartermijnen"), may_view_schedule),
        ("holds", "privacy:holds", _("Bewaarplichten"), may_manage_holds),
        ("access", "privacy:access", _("Inzage"), may_manage_holds),
        ("erasures", "privacy:erasures", _("Wissen op verzoek"), may_handle_erasures),
    )
    return [(key, reverse(name), label) for key, name, label, may in tabs if may(user)]


class ScheduleView(UserMixin, TemplateView):
    """The retention schedule, read-only: auditors and admins; recorded."""

    template_name = "privacy/retention_schedule.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        services.schedule_view_record(actor=self.user)
        last_run = selectors.last_retention_run()
        return super().get_context_data(
            rows=selectors.schedule_rows(last_run),
            last_run=last_run,
            tabs=privacy_tabs(self.user),
            **kwargs,
        )


class GuardedMixin(UserMixin):
    """Whoever ``refuse`` turns away gets a 403, recorded as a refused
    ``refused_action``, before anything is looked up."""

    refused_action: ClassVar[Catalogued[Any]]
    kwargs: dict[str, Any]

    def refuse(self, user: User, pk: object) -> None:
        """Raise PermissionDenied (and record it) unless ``user`` may be here."""
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.refuse(request.user, kwargs.get("pk", ""))  # type: ignore[arg-type]
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class AuditorMixin(GuardedMixin):
    """Auditors only (legal holds)."""

    def refuse(self, user: User, pk: object) -> None:
        services.refuse_unless_auditor(user, self.refused_action, hold_id=pk)


class DetailFormView(View):
    """A form on a record's page: done, back to the page (with what ``act`` says);
    refused, the page again with why."""

    form_class: type[forms.Form]
    form_name: str
    refusal: type[ValidationError]

    def act(self, data: dict[str, Any]) -> str | None:
        """Call the service with the form's ``data``; return what to tell the user."""
        raise NotImplementedError

    def detail_url(self) -> str:
        raise NotImplementedError

    def render_detail(self, **forms: forms.Form) -> HttpResponse:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                done = self.act(form.cleaned_data)
            except self.refusal as error:
                form.add_error(None, error)
            else:
                if done:
                    messages.success(request, done)
                return HttpResponseRedirect(self.detail_url())
        return self.render_detail(**{self.form_name: form})


class HoldListView(AuditorMixin, TemplateView):
    template_name = "privacy/legalhold_list.html"
    refused_action = HOLD_VIEWED

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = timezone.localdate()
        holds = list(selectors.hold_list_for(user=self.user, today=today)[:500])
        services.holds_view_record(
            actor=self.user, holds=holds, page="privacy:holds", today=today
        )
        shown = [(hold, hold_status(hold, today)) for hold in holds]
        ended = (HoldStatus.ENDED, HoldStatus.LIFTED)
        return super().get_context_data(
            standing=[row for row in shown if row[1] not in ended],
            ended=[row for row in shown if row[1] in ended],
            tabs=privacy_tabs(self.user),
            **kwargs,
        )


class HoldPlaceView(AuditorMixin, FormView):
    form_class = HoldPlaceForm
    template_name = "privacy/legalhold_form.html"
    refused_action = HOLD_PLACED

    def form_valid(self, form: HoldPlaceForm) -> HttpResponse:
        try:
            hold = services.hold_place(
                actor=self.user, at=timezone.now(), **form.cleaned_data
            )
        except services.HoldError as error:
            form.add_error(FIELD_OF_CODE.get(error.code or ""), error)
            return self.form_invalid(form)
        done = _("De bewaarplicht voor %(client)s is ingesteld.")
        messages.success(self.request, done % {"client": hold.client})
        return HttpResponseRedirect(reverse("privacy:hold_detail", args=[hold.pk]))


class HoldMixin(AuditorMixin):
    @cached_property
    def hold(self) -> LegalHold:
        return selectors.hold_for(user=self.user, pk=self.kwargs["pk"])

    def render_detail(self, **forms: forms.Form) -> HttpResponse:
        hold, user, today = self.hold, self.user, timezone.localdate()
        context = {
            "hold": hold,
            "status": hold_status(hold, today),
            "may_request_lift": may_request_lift(user, hold, today),
            "may_agree": may_agree_to_lift(user, hold, today),
            "asked_themselves": asked_to_lift_themselves(user, hold),
            "lift_form": forms.get("lift_form") or LiftRequestForm(),
            "agree_form": forms.get("agree_form") or LiftAgreeForm(),
        }
        status = 400 if forms else 200
        return render(
            self.request, "privacy/legalhold_detail.html", context, status=status
        )


class HoldDetailView(HoldMixin, View):
    refused_action = HOLD_VIEWED

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.holds_view_record(
            actor=self.user,
            holds=[self.hold],
            page="privacy:hold_detail",
            today=timezone.localdate(),
        )
        return self.render_detail()


class HoldActionView(HoldMixin, DetailFormView):
    """An auditor's form on the hold's page."""

    refusal = services.HoldError

    def detail_url(self) -> str:
        return reverse("privacy:hold_detail", args=[self.hold.pk])


class HoldLiftRequestView(HoldActionView):
    refused_action = HOLD_LIFT_REQUESTED
    form_class, form_name = LiftRequestForm, "lift_form"

    def act(self, data: dict[str, Any]) -> str:
        services.hold_lift_request(
            actor=self.user, hold=self.hold, reason=data["reason"], at=timezone.now()
        )
        return _(
            "Uw verzoek om op te heffen is vastgelegd. Een andere auditor moet "
            "akkoord geven; tot dan staat de bewaarplicht."
        )


class HoldLiftAgreeView(HoldActionView):
    refused_action = HOLD_LIFTED
    form_class, form_name = LiftAgreeForm, "agree_form"

    def act(self, data: dict[str, Any]) -> str:
        services.hold_lift_agree(actor=self.user, hold=self.hold, at=timezone.now())
        return _("De bewaarplicht is opgeheven.")


class AccessAuditorMixin(GuardedMixin):
    """Auditors only, with the access exports' message."""

    def refuse(self, user: User, pk: object) -> None:
        access_services.refuse_unless_auditor_for_access(
            user, self.refused_action, export_id=pk
        )


class AccessListView(AccessAuditorMixin, TemplateView):
    """The access exports this auditor asked for (nobody else's); recorded."""

    template_name = "privacy/accessexport_list.html"
    refused_action = ACCESS_VIEWED

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        exports = list(selectors.access_export_list_for(user=self.user)[:200])
        access_services.access_exports_view_record(
            actor=self.user, exports=exports, page="privacy:access"
        )
        now = timezone.now()
        return super().get_context_data(
            rows=[
                (export, access_services.access_export_expired(export, now))
                for export in exports
            ],
            export_days=settings.RETENTION_EXPORT_FILE_DAYS,
            tabs=privacy_tabs(self.user),
            **kwargs,
        )


class AccessRequestView(AccessAuditorMixin, FormView):
    """Find the client by BSN and have their access export written."""

    form_class = AccessRequestForm
    template_name = "privacy/accessexport_form.html"
    refused_action = ACCESS_REQUESTED

    def form_valid(self, form: AccessRequestForm) -> HttpResponse:
        try:
            export = access_services.access_export_request(
                actor=self.user, bsn=form.cleaned_data["bsn"], at=timezone.now()
            )
        except access_services.AccessExportError as error:
            form.add_error("bsn", error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("De inzage-export voor %(client)s wordt gemaakt.")
            % {"client": export.client},
        )
        url = reverse("privacy:access_detail", args=[export.pk])
        return HttpResponseRedirect(url, status=303)


class AccessDetailView(AccessAuditorMixin, View):
    """How far the export is; its downloads once done. htmx polls the status."""

    refused_action = ACCESS_VIEWED

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        export = selectors.access_export_for(user=self.user, pk=kwargs["pk"])
        htmx = bool(getattr(request, "htmx", False))
        if not htmx:  # the polls show nothing new about the client
            access_services.access_exports_view_record(
                actor=self.user, exports=[export], page="privacy:access_detail"
            )
        context = {
            "export": export,
            "expired": access_services.access_export_expired(export, timezone.now()),
            "percent": access_export_percent(export),
            "polling": export.status
            in (AccessExport.Status.QUEUED, AccessExport.Status.RUNNING),
        }
        template = (
            "privacy/_accessexport_status.html"
            if htmx
            else "privacy/accessexport_detail.html"
        )
        return render(request, template, context)


class AccessDownloadView(AccessAuditorMixin, View):
    """One file of a finished access export, for the auditor who asked only."""

    refused_action = ACCESS_DOWNLOADED

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        export = selectors.access_export_for(user=self.user, pk=kwargs["pk"])
        file_format = kwargs["file_format"]
        try:
            path = access_services.access_export_download(
                actor=self.user,
                export=export,
                file_format=file_format,
                at=timezone.now(),
            )
        except access_services.AccessFileGoneError:
            raise Http404(_("Dit bestand is er niet (meer).")) from None
        try:
            handle = path.open("rb")
        except OSError:  # deleted by the retention run a moment ago
            raise Http404(_("Dit bestand is er niet (meer).")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=access_services.download_name(export, file_format),
            content_type=CONTENT_TYPES[file_format],
        )


CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}


# --- erasure requests (AVG art. 17) ---

# Where on the form a refusal of ``erasure_request`` is shown (else above it).
ERASURE_FIELD_OF_CODE = {
    "not_found": "bsn",
    "not_in_team": "bsn",
    "reason_missing": "reason",
    "bsn_in_text": "reason",
}


class ErasureRoleMixin(GuardedMixin):
    """Team leads and auditors."""

    def refuse(self, user: User, pk: object) -> None:
        erasure.refuse_unless_erasure_role(user, self.refused_action, request_id=pk)


class ErasureListView(ErasureRoleMixin, TemplateView):
    template_name = "privacy/erasurerequest_list.html"
    refused_action = ERASURE_VIEWED

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        requests = list(selectors.erasure_list_for(user=self.user)[:500])
        erasure.erasures_view_record(
            actor=self.user, requests=requests, page="privacy:erasures"
        )
        is_open = ErasureRequest.Status.REQUESTED
        return super().get_context_data(
            open_requests=[r for r in requests if r.status == is_open],
            closed_requests=[r for r in requests if r.status != is_open],
            tabs=privacy_tabs(self.user),
            **kwargs,
        )


class ErasureRequestView(ErasureRoleMixin, FormView):
    form_class = ErasureRequestForm
    template_name = "privacy/erasurerequest_form.html"
    refused_action = ERASURE_REQUESTED

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        other = _("een auditor") if erasure_role(self.user) == Role.TEAM_LEAD else None
        return super().get_context_data(
            approver=other or _("een teamleider van een team dat de klant sprak"),
            **kwargs,
        )

    def form_valid(self, form: ErasureRequestForm) -> HttpResponse:
        try:
            request = erasure.erasure_request(
                actor=self.user, at=timezone.now(), **form.cleaned_data
            )
        except erasure.ErasureError as error:
            form.add_error(ERASURE_FIELD_OF_CODE.get(error.code or ""), error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Het verzoek om %(client)s te wissen is vastgelegd.")
            % {"client": request.client},
        )
        return HttpResponseRedirect(
            reverse("privacy:erasure_detail", args=[request.pk])
        )


class ErasureMixin(ErasureRoleMixin):
    @cached_property
    def erasure_request(self) -> ErasureRequest:
        return selectors.erasure_for(user=self.user, pk=self.kwargs["pk"])

    def render_detail(self, **forms: forms.Form) -> HttpResponse:
        request, user = self.erasure_request, self.user
        context = {
            "erasure": request,
            "may_decide": may_decide_erasure(user, request),
            "asked_themselves": asked_to_erase_themselves(user, request),
            "approving_role": erasure_approving_role(request),
            "refusal": erasure_refusal_text(
                request, selectors.refusal_hold(user=self.user, request=request)
            ),
            "removed": removed_rows(request),
            "approve_form": forms.get("approve_form") or ErasureApproveForm(),
            "decline_form": forms.get("decline_form") or ErasureDeclineForm(),
        }
        status = 400 if forms else 200
        return render(
            self.request, "privacy/erasurerequest_detail.html", context, status=status
        )


class ErasureDetailView(ErasureMixin, View):
    refused_action = ERASURE_VIEWED

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        erasure.erasures_view_record(
            actor=self.user,
            requests=[self.erasure_request],
            page="privacy:erasure_detail",
        )
        return self.render_detail()


class ErasureActionView(ErasureMixin, DetailFormView):
    """A decision on the request's page; ``act`` says what became of it."""

    refusal = erasure.ErasureError

    def detail_url(self) -> str:
        return reverse("privacy:erasure_detail", args=[self.erasure_request.pk])


class ErasureApproveView(ErasureActionView):
    refused_action = ERASURE_APPROVED
    form_class, form_name = ErasureApproveForm, "approve_form"

    def act(self, data: dict[str, Any]) -> None:
        done = erasure.erasure_approve(
            actor=self.user, request=self.erasure_request, at=timezone.now()
        )
        if done.status == ErasureRequest.Status.DONE:
            messages.success(
                self.request,
                _(
                    "De klant is gewist. Alleen het pseudoniem en de aantallen "
                    "blijven bewaard."
                ),
            )
        else:
            hold = selectors.refusal_hold(user=self.user, request=done)
            messages.warning(self.request, erasure_refusal_text(done, hold))


class ErasureDeclineView(ErasureActionView):
    refused_action = ERASURE_DECLINED
    form_class, form_name = ErasureDeclineForm, "decline_form"

    def act(self, data: dict[str, Any]) -> None:
        erasure.erasure_decline(
            actor=self.user,
            request=self.erasure_request,
            reason=data["reason"],
            at=timezone.now(),
        )
        messages.success(
            self.request,
            _("Het verzoek is afgewezen. Er is niets over de klant verwijderd."),
        )
