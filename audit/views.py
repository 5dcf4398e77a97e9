"""Reviewing the audit trail: the list, one event, exports and their jobs.

Only auditors (everything) and team leads (their own team) get in; anyone else is
refused, and the refusal is recorded. Every look at events is recorded as well.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView, View

from accounts.models import User
from audit.access import may_review_trail, may_run_verification, may_see_whole_trail
from audit.catalogue import Result
from audit.export_formats import CONTENT_TYPES, download_name
from audit.forms import (
    FILTER_FIELDS,
    ClientSearchForm,
    ExportFormatForm,
    TrailFilterForm,
    error_codes,
)
from audit.models import AuditEvent, ExportJob
from audit.payloads import (
    CHECKER_DOWNLOADED,
    EVENT_VIEWED,
    TRAIL_EXPORTED,
    TRAIL_VIEWED,
    VERIFICATION_REQUESTED,
    Catalogued,
)
from audit.presentation import data_items, describe_changes
from audit.selectors import (
    audit_events_for,
    client_named_by_ref,
    event_link_for,
    export_jobs_for,
    latest_verification,
    object_names_for,
    page_after,
    recent_anchors,
    verification_jobs_for,
)
from audit.services.export import (
    ExportFileMissingError,
    audit_export_download,
    audit_export_queue,
    audit_export_stream,
    export_is_large,
)
from audit.services.record import audit_record, audit_record_refusal
from audit.services.verify import (
    audit_checker_download,
    audit_verification_queue,
)
from uwvrec.db.replica import ReplicaReadsMixin


class ReviewerRequiredMixin:
    """Turn a refusal by the selectors into a 403, and record it."""

    refused_action: ClassVar[Catalogued[Any]]
    request: HttpRequest
    kwargs: dict[str, Any]

    @method_decorator(never_cache)  # pages of personal data stay out of caches
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        except PermissionDenied:
            audit_record_refusal(
                actor=self.user,
                event=self.refused_action.denied(),
                **self.refused_object(),
            )
            raise

    def refused_object(self) -> dict[str, Any]:
        return {}

    def check_reviewer(self) -> None:
        """Raise PermissionDenied (recorded by ``dispatch``) for a non-reviewer."""
        if not may_review_trail(self.user):
            raise PermissionDenied

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]


# Valid filters are kept in the session under a short random token, which is all
# the URL carries (docs/adr/0004-audit-review-filters-are-posted.md).
FILTERS_SESSION_KEY = "audit.trail.filters"
KEPT_FILTERS = 20


def _keep_filters(request: HttpRequest, data: dict[str, str]) -> str:
    """Keep ``data`` in the session; return its token (the same for the same data)."""
    kept: dict[str, dict[str, str]] = dict(request.session.get(FILTERS_SESSION_KEY, {}))
    for token, stored in kept.items():
        if stored == data:
            return token
    token = secrets.token_urlsafe(6)
    kept[token] = data
    request.session[FILTERS_SESSION_KEY] = dict(list(kept.items())[-KEPT_FILTERS:])
    return token


def _kept_filters(request: HttpRequest, token: str) -> dict[str, str] | None:
    """Return the filters kept under ``token`` (none for no token), or None if lost."""
    if not token:
        return {}
    return request.session.get(FILTERS_SESSION_KEY, {}).get(token)


def _filters_in(query: QueryDict) -> list[str]:
    """Return the names of filters given in ``query``, where none are read."""
    return [name for name in FILTER_FIELDS if name in query]


def _page_query(token: str, cursor: str | None = None) -> str:
    pairs = (("filters", token), ("cursor", cursor))
    return urlencode([(key, value) for key, value in pairs if value])


def _to_trail(token: str = "", cursor: str | None = None) -> HttpResponseRedirect:
    query = _page_query(token, cursor)
    url = f"{reverse('audit:trail')}?{query}" if query else reverse("audit:trail")
    return HttpResponseRedirect(url, status=303)


def _filtered(request: HttpRequest, data: dict[str, str]) -> HttpResponseRedirect:
    return _to_trail(_keep_filters(request, data))


_FILTERS_IN_LINK = gettext_lazy(
    "Filters in een link worden niet gebruikt: kies ze hieronder opnieuw."
)
_EXPORT_REFUSALS = {
    "lost": gettext_lazy(
        "Er is niets geëxporteerd: de filters zijn niet meer bewaard, bijvoorbeeld "
        "omdat u opnieuw bent ingelogd. Kies ze opnieuw."
    ),
    "not_read_here": gettext_lazy(
        "Er is niets geëxporteerd: filters in een link of los meegestuurd worden "
        "niet gebruikt. Kies ze hier en exporteer opnieuw."
    ),
    "format": gettext_lazy("Er is niets geëxporteerd: kies CSV of JSON Lines."),
    "filters": gettext_lazy(
        "Er is niets geëxporteerd: de filters kloppen niet. Verbeter ze en "
        "exporteer opnieuw."
    ),
}


class TrailView(ReplicaReadsMixin, ReviewerRequiredMixin, TemplateView):
    """The events the user may see, filtered, newest first, a page at a time.

    The filter form is posted here and redirects to the filtered list; the list's
    URL holds only the token of those filters and the cursor of the page. The
    list is read from the replica when there is one (docs/adr/0009): it may miss
    the last seconds of events. Every read comes before the audit event.
    """

    template_name = "audit/auditevent_list.html"
    refused_action = TRAIL_VIEWED
    # Posting filters keeps them in the session: the user's reads may stay on
    # the replica afterwards.
    posts_change_nothing = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.GET.get("filters", "")
        if _filters_in(request.GET):
            # An old link: its filters are not read, nor shown on the page again.
            self.check_reviewer()  # a non-reviewer is refused first
            messages.warning(request, _FILTERS_IN_LINK)
            return _to_trail(token, request.GET.get("cursor"))
        kept = _kept_filters(request, token)
        if kept is None:
            form = TrailFilterForm(user=self.user)
            return self.render_to_response(self.get_context_data(form=form, lost=True))
        data = {**kept, "cursor": request.GET.get("cursor", "")}
        form = TrailFilterForm(data, user=self.user)
        if not form.is_valid():
            return self.refused(form)
        filters = form.filters()
        events = audit_events_for(user=self.user, filters=filters)
        page = page_after(events, form.cleaned_data["cursor"])
        context = self.get_context_data(form=form, page=page, token=token)
        context["names"] = object_names_for(user=self.user, events=page.rows)
        if filters.client_ref:
            context["filtered_client"] = client_named_by_ref(
                user=self.user, client_ref=filters.client_ref
            )
        audit_record(
            actor=self.user,
            event=TRAIL_VIEWED({"filters": filters.as_data()}),
        )
        return self.render_to_response(context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TrailFilterForm(request.POST, user=self.user)
        if not form.is_valid():
            return self.refused(form)
        return _filtered(request, form.stored_data())

    def refused(self, refused_form: Form, **context: Any) -> HttpResponse:
        """Show the form's mistakes, and record the attempt by what went wrong."""
        audit_record_refusal(
            actor=self.user,
            event=TRAIL_VIEWED.refused({"errors": error_codes(refused_form)}),
            result=Result.FAILED,
        )
        # A changed cursor is a bad request; a mistake in the filters is not.
        status = 400 if "cursor" in refused_form.errors else 200
        context.setdefault("form", refused_form)
        return self.render_to_response(self.get_context_data(**context), status=status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page, token = kwargs.get("page"), kwargs.get("token", "")
        context["first_page"] = not self.request.GET.get("cursor")
        context["newest_query"] = _page_query(token)
        if page and page.next_cursor:
            context["older_query"] = _page_query(token, page.next_cursor)
        context["export_form"] = ExportFormatForm()
        context.setdefault("client_form", ClientSearchForm())
        context["whole_trail"] = may_see_whole_trail(self.user)
        return context


class TrailClientView(TrailView):
    """Filter the trail on one client, found by the BSN posted in a form."""

    http_method_names = ["post"]  # noqa: RUF012 - an instance attribute of View

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check_reviewer()
        form = ClientSearchForm(request.POST)
        if not form.is_valid():
            filters = TrailFilterForm(user=self.user)
            return self.refused(form, form=filters, client_form=form)
        return _filtered(request, {"client": form.client_ref()})


class EventView(ReplicaReadsMixin, ReviewerRequiredMixin, DetailView):
    """One event with everything it holds, its changes in words, its chain link.

    Read from the replica when there is one; the audit event after every read.
    """

    template_name = "audit/auditevent_detail.html"
    context_object_name = "event"
    refused_action = EVENT_VIEWED

    def refused_object(self) -> dict[str, Any]:
        return {"object_type": "audit.auditevent", "object_id": str(self.kwargs["pk"])}

    def get_queryset(self) -> Any:
        return audit_events_for(user=self.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        audit_record(actor=self.user, event=EVENT_VIEWED(), obj=self.object)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event: AuditEvent = self.object
        context["changes"] = describe_changes(event)
        context["data_items"] = data_items(event)
        context["link"] = event_link_for(event=event)
        context["names"] = object_names_for(user=self.user, events=[event])
        return context


class ExportView(ReviewerRequiredMixin, View):
    """Export the filtered events: streamed when few, else as a background job.

    The filters are those kept under the posted token, exactly as the list showed
    them; filters given any other way are refused, so an export is never wider
    than asked for.
    """

    refused_action = TRAIL_EXPORTED

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        kept = _kept_filters(request, request.POST.get("filters", ""))
        filters_form = TrailFilterForm(kept or {}, user=self.user)
        format_form = ExportFormatForm(request.POST)
        problems = self.problems(kept, filters_form, format_form)
        if problems:
            return self.refused(problems)
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

    def problems(
        self, kept: dict[str, str] | None, filters_form: Form, format_form: Form
    ) -> dict[str, list[str]]:
        """Return what is wrong with the request, as error codes per field."""
        given = _filters_in(self.request.GET) + _filters_in(self.request.POST)
        problems = {name: ["not_read_here"] for name in given}
        if kept is None:
            problems["filters"] = ["lost"]
        return {**problems, **error_codes(filters_form), **error_codes(format_form)}

    def refused(self, problems: dict[str, list[str]]) -> HttpResponseRedirect:
        """Record the refused export; say why on the trail, with its filters."""
        audit_record_refusal(
            actor=self.user,
            event=TRAIL_EXPORTED.refused({"errors": problems}),
            result=Result.FAILED,
        )
        codes = {code for field_codes in problems.values() for code in field_codes}
        reasons: list[str] = [key for key in ("lost", "not_read_here") if key in codes]
        if "format" in problems:
            reasons.append("format")
        # Otherwise the kept filters no longer pass: the trail shows which.
        for reason in reasons or ["filters"]:
            messages.error(self.request, _EXPORT_REFUSALS[reason])
        kept = "filters" not in problems
        return _to_trail(self.request.POST.get("filters", "") if kept else "")


def _attachment(response: HttpResponseBase, name: str) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


class ExportJobView(ReviewerRequiredMixin, DetailView):
    """How far a large export is; its download once done. htmx polls the status."""

    template_name = "audit/exportjob_detail.html"
    context_object_name = "job"
    refused_action = TRAIL_EXPORTED

    def get_queryset(self) -> Any:
        return export_jobs_for(user=self.user)

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["audit/_exportjob_status.html"]
        return [self.template_name]


class ExportDownloadView(ReviewerRequiredMixin, View):
    """The finished file of a large export, for its requester or an auditor."""

    refused_action = TRAIL_EXPORTED

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


class VerificationView(ReplicaReadsMixin, ReviewerRequiredMixin, TemplateView):
    """The integrity of the trail: the last check, the anchors, the checker.

    Auditors may also start a check now; a team lead reads the result only. Read
    from the replica when there is one; a check just started is on its own page.
    """

    template_name = "audit/verification.html"
    refused_action = TRAIL_VIEWED
    http_method_names = ["get"]  # noqa: RUF012 - an instance attribute of View

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["check"] = latest_verification(user=self.user)
        context["anchors"] = recent_anchors(user=self.user)
        context["may_run"] = may_run_verification(self.user)
        return context


class VerificationRunView(ReviewerRequiredMixin, View):
    """Start a check of the whole trail now, as a background job (auditors)."""

    refused_action = VERIFICATION_REQUESTED

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job = audit_verification_queue(actor=self.user)
        url = reverse("audit:verification_job", args=[job.pk])
        return HttpResponseRedirect(url, status=303)


class VerificationJobView(ReviewerRequiredMixin, DetailView):
    """How far a check is, and what it found. htmx polls the status."""

    template_name = "audit/verificationjob_detail.html"
    context_object_name = "job"
    refused_action = VERIFICATION_REQUESTED

    def get_queryset(self) -> Any:
        return verification_jobs_for(user=self.user)

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["audit/_verificationjob_status.html"]
        return [self.template_name]


class CheckerDownloadView(ReviewerRequiredMixin, View):
    """The standalone checker of exported files, ``audit/chain.py``, as a file."""

    refused_action = CHECKER_DOWNLOADED

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        path = audit_checker_download(actor=self.user)
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename="chain.py",
            content_type="text/x-python; charset=utf-8",
        )
