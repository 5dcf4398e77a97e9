"""The privacy pages: the retention schedule, legal holds and access exports; thin
views."""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
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
from audit.payloads import (
    ACCESS_DOWNLOADED,
    ACCESS_REQUESTED,
    ACCESS_VIEWED,
    HOLD_LIFT_REQUESTED,
    HOLD_LIFTED,
    HOLD_PLACED,
    HOLD_VIEWED,
    Catalogued,
)
from privacy import selectors
from privacy.access import (
    asked_to_lift_themselves,
    may_agree_to_lift,
    may_manage_holds,
    may_request_lift,
)
from privacy.forms import (
    AccessRequestForm,
    HoldPlaceForm,
    LiftAgreeForm,
    LiftRequestForm,
)
from privacy.models import AccessExport, LegalHold
from privacy.presentation import HoldStatus, access_export_percent, hold_status
from privacy.services import access_export as access_services
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


class ScheduleView(UserMixin, TemplateView):
    """The retention schedule, read-only: auditors and admins; recorded."""

    template_name = "privacy/retention_schedule.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        services.schedule_view_record(actor=self.user)
        last_run = selectors.last_retention_run()
        return super().get_context_data(
            rows=selectors.schedule_rows(last_run),
            last_run=last_run,
            may_manage_holds=may_manage_holds(self.user),
            **kwargs,
        )


class AuditorMixin(UserMixin):
    """Auditors only; anyone else gets a 403, recorded as a refused ``action``."""

    refused_action: ClassVar[Catalogued[Any]]
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.refuse_unless_auditor(
            request.user,  # type: ignore[arg-type]
            self.refused_action,
            hold_id=kwargs.get("pk", ""),
        )
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


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


class HoldActionView(HoldMixin, View):
    """An auditor's form on the hold's page; refused, the page shows it again."""

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
            except services.HoldError as error:
                form.add_error(None, error)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(
                    reverse("privacy:hold_detail", args=[self.hold.pk])
                )
        return self.render_detail(**{self.form_name: form})


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


class AccessAuditorMixin(UserMixin):
    """Auditors only, as ``AuditorMixin``, with the access exports' message."""

    refused_action: ClassVar[Catalogued[Any]]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access_services.refuse_unless_auditor_for_access(
            request.user,  # type: ignore[arg-type]
            self.refused_action,
            export_id=kwargs.get("pk", ""),
        )
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


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
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=access_services.download_name(export, file_format),
            content_type=CONTENT_TYPES[file_format],
        )


CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}
