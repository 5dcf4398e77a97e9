"""Reviewing the audit trail: the list, one event, exports and their jobs.

Only auditors (everything) and team leads (their own team) get in; anyone else is
refused, and the refusal is recorded. Every look at events is recorded as well.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView, View

from accounts.models import User
from audit.catalogue import Action
from audit.exports import (
    CONTENT_TYPES,
    ExportFileMissingError,
    audit_export_download,
    audit_export_queue,
    audit_export_stream,
    download_name,
    export_is_large,
)
from audit.forms import ClientSearchForm, ExportFormatForm, TrailFilterForm
from audit.models import AuditEvent, ExportJob
from audit.presentation import data_items, describe_changes
from audit.selectors import (
    audit_events_for,
    event_link_for,
    export_jobs_for,
    page_after,
    sees_whole_trail,
)
from audit.services import audit_record, audit_record_refusal


class ReviewerRequiredMixin:
    """Turn a refusal by the selectors into a 403, and record it."""

    refused_action: ClassVar[Action]
    request: HttpRequest
    kwargs: dict[str, Any]

    @method_decorator(never_cache)  # pages of personal data stay out of caches
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        except PermissionDenied:
            audit_record_refusal(
                actor=request.user, action=self.refused_action, **self.refused_object()
            )
            raise

    def refused_object(self) -> dict[str, str]:
        return {}

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]


def _query(request: HttpRequest, **changes: str | None) -> str:
    """Return the request's query string with ``changes`` (None drops a key)."""
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


class TrailView(ReviewerRequiredMixin, TemplateView):
    """The events the user may see, filtered, newest first, a page at a time."""

    template_name = "audit/auditevent_list.html"
    refused_action = Action.TRAIL_VIEWED

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TrailFilterForm(request.GET, user=self.user)
        if not form.is_valid():
            # A mistake in the filters is shown with the form; a changed cursor
            # is a bad request.
            status = 400 if "cursor" in form.errors else 200
            return self.render_to_response(
                self.get_context_data(form=form), status=status
            )
        filters = form.filters()
        events = audit_events_for(user=self.user, filters=filters)
        page = page_after(events, form.cleaned_data["cursor"])
        audit_record(
            actor=self.user,
            action=Action.TRAIL_VIEWED,
            data={"filters": filters.as_data()},
        )
        return self.render_to_response(self.get_context_data(form=form, page=page))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = kwargs.get("page")
        context["first_page"] = not self.request.GET.get("cursor")
        context["newest_query"] = _query(self.request, cursor=None)
        if page and page.next_cursor:
            context["older_query"] = _query(self.request, cursor=page.next_cursor)
        context["export_form"] = ExportFormatForm()
        context.setdefault("client_form", ClientSearchForm())
        context["whole_trail"] = sees_whole_trail(self.user)
        return context


class TrailClientView(TrailView):
    """Filter the trail on one client, found by the BSN posted in a form."""

    http_method_names = ["post"]  # noqa: RUF012 - an instance attribute of View

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        audit_events_for(user=self.user)  # refuses a non-reviewer
        form = ClientSearchForm(request.POST)
        if not form.is_valid():
            filters = TrailFilterForm(user=self.user)
            return self.render_to_response(
                self.get_context_data(form=filters, client_form=form)
            )
        query = urlencode({"client": form.client_ref()})
        return HttpResponseRedirect(f"{reverse('audit:trail')}?{query}")


class EventView(ReviewerRequiredMixin, DetailView):
    """One event with everything it holds, its changes in words, its chain link."""

    template_name = "audit/auditevent_detail.html"
    context_object_name = "event"
    refused_action = Action.EVENT_VIEWED

    def refused_object(self) -> dict[str, str]:
        return {"object_type": "audit.auditevent", "object_id": str(self.kwargs["pk"])}

    def get_queryset(self) -> Any:
        return audit_events_for(user=self.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        audit_record(actor=self.user, action=Action.EVENT_VIEWED, obj=self.object)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event: AuditEvent = self.object
        context["changes"] = describe_changes(event)
        context["data_items"] = data_items(event)
        context["link"] = event_link_for(event=event)
        return context


class ExportView(ReviewerRequiredMixin, View):
    """Export the filtered events: streamed when few, else as a background job."""

    refused_action = Action.TRAIL_EXPORTED

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        filters_form = TrailFilterForm(request.GET, user=self.user)
        format_form = ExportFormatForm(request.POST)
        if not (filters_form.is_valid() and format_form.is_valid()):
            return HttpResponseBadRequest(_("De filters of het formaat kloppen niet."))
        filters = filters_form.filters()
        file_format = format_form.cleaned_data["format"]
        events = audit_events_for(user=self.user, filters=filters)
        if export_is_large(events):
            job = audit_export_queue(
                actor=self.user, filters=filters, file_format=file_format
            )
            url = reverse("audit:export_job", args=[job.pk])
            return HttpResponseRedirect(url, status=303)
        lines = audit_export_stream(
            actor=self.user, filters=filters, file_format=file_format
        )
        return _attachment(
            StreamingHttpResponse(lines, content_type=CONTENT_TYPES[file_format]),
            download_name(file_format, timezone.now()),
        )


def _attachment(response: HttpResponseBase, name: str) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


class ExportJobView(ReviewerRequiredMixin, DetailView):
    """How far a large export is; its download once done. htmx polls the status."""

    template_name = "audit/exportjob_detail.html"
    context_object_name = "job"
    refused_action = Action.TRAIL_EXPORTED

    def get_queryset(self) -> Any:
        return export_jobs_for(user=self.user)

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["audit/_exportjob_status.html"]
        return [self.template_name]


class ExportDownloadView(ReviewerRequiredMixin, View):
    """The finished file of a large export, for its requester or an auditor."""

    refused_action = Action.TRAIL_EXPORTED

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        job: ExportJob = get_object_or_404(
            export_jobs_for(user=self.user), pk=kwargs["pk"]
        )
        try:
            path = audit_export_download(actor=self.user, job=job)
        except ExportFileMissingError:
            raise Http404(_("Dit exportbestand is er niet (meer).")) from None
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=download_name(job.file_format, job.created_at),
            content_type=CONTENT_TYPES[job.file_format],
        )
