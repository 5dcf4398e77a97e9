"""Violation reports, their history and the outbox, read-only in the admin site."""

from __future__ import annotations

from django.contrib import admin

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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "kind", "recipient", "created_at", "sent_at", "attempts")
