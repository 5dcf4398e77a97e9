"""Conversations, participants, clients and decisions in the admin site.

Decisions are read-only for everyone; the BSN is never shown or audited (only its
masked form is displayed).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.admin import ReadOnlyModelAdmin
from conversations.models import Client, Conversation, Decision, Participant


@admin.register(Client)
class ClientAdmin(ReadOnlyModelAdmin):
    list_display = ("display_name", "masked_bsn", "created_at")
    search_fields = ("display_name",)
    fields = ("display_name", "masked_bsn", "created_at")
    readonly_fields = fields
    audit_hidden_fields = ("bsn_encrypted", "bsn_hash")

    def audit_client_ref(self, obj: Client) -> str:
        return obj.client_ref

    @admin.display(description=_("BSN"))
    def masked_bsn(self, client: Client) -> str:
        return client.bsn_masked


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ("name", "role", "consents", "asked_at", "joined_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyModelAdmin):
    list_display = ("scheduled_at", "client", "channel", "kind", "team", "status")
    list_filter = ("status", "channel", "kind", "team")
    list_select_related = ("client", "team")
    date_hierarchy = "scheduled_at"
    show_full_result_count = False
    inlines = (ParticipantInline,)

    def audit_client_ref(self, obj: Conversation) -> str:
        return obj.client.client_ref


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "role", "consents", "conversation", "joined_at")
    list_filter = ("role",)
    list_select_related = ("conversation",)

    def audit_client_ref(self, obj: Participant) -> str:
        return obj.conversation.client.client_ref


@admin.register(Decision)
class DecisionAdmin(ReadOnlyModelAdmin):
    """Decisions are never changed: the database refuses it too."""

    list_display = (
        "decided_at",
        "conversation",
        "sequence",
        "outcome",
        "policy_version",
        "decided_by",
    )
    list_filter = ("outcome", "policy_version", "uwv_recording")
    list_select_related = ("conversation", "decided_by")
    show_full_result_count = False

    def audit_client_ref(self, obj: Decision) -> str:
        return obj.conversation.client.client_ref
