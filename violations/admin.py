"""Violation reports, their history and the outbox, read-only in the admin site."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.admin import ReadOnlyModelAdmin
from violations.models import Notification, ViolationEvent, ViolationReport


@admin.register(ViolationReport)
class ViolationReportAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "rule", "status", "team", "reported_at", "decided_at")
    list_filter = ("status", "rule")
    exclude = ("what_happened", "how_established")


@admin.register(ViolationEvent)
class ViolationEventAdmin(ReadOnlyModelAdmin):
    list_display = ("report", "kind", "actor", "at")


class DeliveryFilter(admin.SimpleListFilter):
    """Where a notification's e-mail stands: the undeliverable ones first."""

    title = _("bezorging")
    parameter_name = "bezorging"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, Any]]:
        return [
            ("onbestelbaar", _("onbestelbaar (opgegeven)")),
            ("wachtend", _("nog niet verstuurd")),
            ("verstuurd", _("verstuurd")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Notification]
    ) -> QuerySet[Notification]:
        match self.value():
            case "onbestelbaar":
                return queryset.filter(abandoned_at__isnull=False)
            case "wachtend":
                return queryset.filter(sent_at__isnull=True, abandoned_at__isnull=True)
            case "verstuurd":
                return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = (
        "id",
        "kind",
        "recipient",
        "created_at",
        "sent_at",
        "attempts",
        "undeliverable",
    )
    list_filter = (DeliveryFilter, "kind")
    list_select_related = ("recipient",)

    @admin.display(description=_("onbestelbaar"), boolean=True)
    def undeliverable(self, notification: Notification) -> bool:
        return notification.abandoned_at is not None
