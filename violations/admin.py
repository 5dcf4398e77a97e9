"""Violation reports, their history and the outbox, read-only in the admin site."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from violations.models import Notification, ViolationEvent, ViolationReport


class ReadOnlyAdmin(AuditedModelAdmin):
    """Shown to admins; changed only through the services (and never deleted)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ViolationReport)
class ViolationReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "rule", "status", "team", "reported_at", "decided_at")
    list_filter = ("status", "rule")
    exclude = ("what_happened", "how_established")


@admin.register(ViolationEvent)
class ViolationEventAdmin(ReadOnlyAdmin):
    list_display = ("report", "kind", "actor", "at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "recipient", "created_at", "sent_at", "attempts")
