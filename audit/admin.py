from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList as DjangoChangeList
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from audit.models import AuditEvent
from audit.payloads import (
    ADMIN_ADDED,
    ADMIN_CHANGED,
    ADMIN_DELETED,
    ADMIN_VIEWED,
    Bare,
    Refused,
)
from audit.services.record import audit_record, personal_data_in


def _plain(value: Any) -> Any:
    """Return ``value`` as JSON: objects by primary key, many as a sorted list."""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, QuerySet | list | tuple | set):
        return sorted(_plain(item) for item in value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


class ChangeList(DjangoChangeList):
    """Django's list of objects; a filter value too large for a number is refused.

    Django turns a filter it cannot use into "?e=1" (a message, not an error) for
    some of its own errors, but ``?scheduled_at__year=`` with 30 digits raises
    OverflowError, and with 9999 a ValueError (year 10000) while building the query.
    """

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        try:
            return super().get_queryset(request, exclude_parameters)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose reads, additions, changes and deletions land in the trail.

    Django's admin logs every addition, change and deletion through ``log_*``, in
    the transaction of the change; each becomes an audit event there. The values
    of hidden fields (any with "password" in the name, and ``audit_hidden_fields``)
    are never written to the trail. Opening an object (its change, view or history
    page) records ``admin.object_viewed`` for it, and showing a list records one
    event for the page with the number of rows shown; both in the view, before
    the page is rendered.
    """

    audit_hidden_fields: Iterable[str] = ()

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ChangeList

    def audit_client_ref(self, obj: Any) -> str:
        """Return the pseudonym of the client ``obj`` is about ("" for none)."""
        return ""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = _context(request, response).get("cl")
        if changelist is not None:
            # Evaluates the page's rows once; the template reuses them.
            shown = len(changelist.result_list)
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                event=ADMIN_VIEWED(
                    {
                        "model": self.opts.label_lower,
                        "count": shown,
                        "page": changelist.page_num,
                    }
                ),
                object_type=self.opts.label_lower,
            )
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if object_id is not None:
            self._record_view(request, _context(request, response).get("original"))
        return response

    def history_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._record_view(request, _context(request, response).get("object"))
        return response

    def _record_view(self, request: HttpRequest, obj: Any) -> None:
        if obj is None:
            return
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            event=ADMIN_VIEWED({"model": self.opts.label_lower}),
            obj=obj,
            client_ref=self.audit_client_ref(obj),
        )

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        request.audit_changes = self.audit_changes(form)  # type: ignore[attr-defined]

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        self._record(request, ADMIN_ADDED, obj)
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        self._record(request, ADMIN_CHANGED, obj, message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        # Called just before the objects are deleted, in the same transaction.
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._record(request, ADMIN_DELETED, obj)
        return entries

    def audit_changes(self, form: ModelForm) -> dict[str, Any]:
        """Return each changed field's value before and after, hidden ones masked.

        A value the trail would refuse as a possible BSN is masked too (an
        employee number can pass the eleven-test): the change is still recorded.
        """
        return {name: self._change(form, name) for name in form.changed_data}

    def _change(self, form: ModelForm, name: str) -> dict[str, Any]:
        before = _plain(form.initial.get(name))
        after = _plain(form.cleaned_data.get(name))
        if self._hidden(name) or personal_data_in(before, after):
            return {"hidden": True}
        return {"before": before, "after": after}

    def _hidden(self, name: str) -> bool:
        return "password" in name or name in self.audit_hidden_fields

    def _record(
        self,
        request: HttpRequest,
        binding: Bare[Refused],
        obj: Any,
        message: Any = None,
    ) -> None:
        changes = getattr(request, "audit_changes", None)
        if changes is None and message:
            # A change made outside save_model, such as a new password.
            changes = {name: {"hidden": True} for name in _changed_fields(message)}
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            event=binding(),
            obj=obj,
            changes=changes or {},
        )


def _context(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """Return the context of a page shown to a GET, or {} (a redirect, a save)."""
    if request.method != "GET" or not isinstance(response, TemplateResponse):
        return {}
    if response.status_code != 200:
        return {}
    return dict(response.context_data or {})


def _changed_fields(message: Any) -> list[str]:
    return [
        name
        for part in (message if isinstance(message, list) else [])
        for name in part.get("changed", {}).get("fields", [])
    ]


class ReadOnlyModelAdmin(AuditedModelAdmin):
    """Shown to admins; changed only through the app's own pages and services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """The trail, read-only: nobody adds, changes or deletes events here."""

    list_display = ("occurred_at", "action", "actor_username", "team_name", "result")
    list_filter = ("action", "result", "origin")
    search_fields = ("actor_username", "object_id", "request_id")
    date_hierarchy = None
    show_full_result_count = False
