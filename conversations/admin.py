"""Conversations, participants, clients and decisions in the admin site.

Decisions are read-only for everyone; the BSN is never shown or audited (only its
masked form is displayed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin import ReadOnlyModelAdmin
from conversations.models import (
    CHANNELS,
    KINDS,
    ROLES,
    Client,
    Conversation,
    Decision,
    Participant,
)
from conversations.presentation import (
    CONDITION_TITLES,
    MISSING_TITLES,
    REASON_TITLES,
)
from rules.engine import PARTICIPANT_PREFIX
from rules.models import RuleText
from uwvrec.moments import day_shown

# The engine's facts (docs/policy.md), each with the words the admin shows.
FACT_LABELS = {
    "date": _("datum"),
    "channel": _("soort contact"),
    "kind": _("soort gesprek"),
    "client_wants_to_record": _("klant wil opnemen"),
    "media": _("opnemen met"),
    "client_informed": _("spelregels verteld"),
    "client_accepts_rules": _("klant is het eens met de spelregels"),
    "client_has_prior_violation": _("klant hield zich eerder niet aan de spelregels"),
    "uwv_records": _("UWV neemt op"),
    "uwv_reason": _("reden van de opname door UWV"),
    "participants_told_uwv_records": _("iedereen weet dat UWV opneemt"),
    "participants": _("deelnemers"),
}
MEDIA = {"audio": _("alleen geluid"), "video": _("beeld")}


def _yes_no(value: Any) -> str:
    if value is None:
        return gettext("nog niet gevraagd")
    return gettext("ja") if value else gettext("nee")


def _fact(name: str, value: Any) -> str:
    """Return one fact in words (a code the list does not know stays as it is)."""
    words: dict[str, Mapping[str, Any]] = {
        "channel": dict(CHANNELS),
        "kind": dict(KINDS),
        "media": MEDIA,
    }
    if name == "uwv_reason":
        return str(value or "-")
    if name == "date" and isinstance(value, str):
        return day_shown(dt.date.fromisoformat(value))
    if name in words:
        return str(words[name].get(value, value or "-"))
    if name == "participants":
        return "; ".join(_participant(person) for person in value) or "-"
    if isinstance(value, bool) or value is None:
        return _yes_no(value)
    return str(value)


def _participant(person: Mapping[str, Any]) -> str:
    role = dict(ROLES).get(person.get("role", ""), person.get("role", ""))
    consents = person.get("consents")
    if consents is None:
        return gettext("%(role)s: toestemming nog niet gevraagd") % {"role": role}
    if consents:
        return gettext("%(role)s: geeft toestemming") % {"role": role}
    return gettext("%(role)s: geeft geen toestemming") % {"role": role}


def _titles(codes: Iterable[str], titles: Mapping[Any, Any]) -> SafeString | str:
    lines = [str(titles.get(code, _missing_person(code))) for code in codes]
    if not lines:
        return "-"
    return format_html_join("", "<div>{}</div>", ((line,) for line in lines))


def _missing_person(code: str) -> str:
    if code.startswith(PARTICIPANT_PREFIX):
        return gettext("De toestemming van een deelnemer is nog niet gevraagd.")
    return code


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
    fields = (
        "conversation",
        "sequence",
        "outcome",
        "facts_in_words",
        "reasons_in_words",
        "missing_in_words",
        "conditions_in_words",
        "uwv_recording",
        "uwv_missing_in_words",
        "policy_version",
        "rule_text",
        "rule_text_language_name",
        "decided_by",
        "decided_at",
        "supersedes",
    )
    readonly_fields = fields

    @admin.display(description=_("feiten"))
    def facts_in_words(self, decision: Decision) -> SafeString:
        facts = decision.facts if isinstance(decision.facts, dict) else {}
        return format_html(
            '<dl class="decision-facts">{}</dl>',
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                (
                    (capfirst(FACT_LABELS[name]), _fact(name, facts[name]))
                    for name in FACT_LABELS
                    if name in facts
                ),
            ),
        )

    @admin.display(description=_("redenen"))
    def reasons_in_words(self, decision: Decision) -> SafeString | str:
        return _titles(decision.reasons, REASON_TITLES)

    @admin.display(description=_("ontbreekt"))
    def missing_in_words(self, decision: Decision) -> SafeString | str:
        return _titles(decision.missing, MISSING_TITLES)

    @admin.display(description=_("voorwaarden"))
    def conditions_in_words(self, decision: Decision) -> SafeString | str:
        return _titles(decision.conditions, CONDITION_TITLES)

    @admin.display(description=_("ontbreekt voor de opname door UWV"))
    def uwv_missing_in_words(self, decision: Decision) -> SafeString | str:
        return _titles(decision.uwv_missing, MISSING_TITLES)

    @admin.display(description=_("taal spelregels"))
    def rule_text_language_name(self, decision: Decision) -> str:
        languages = dict(RuleText.Language.choices)
        code = decision.rule_text_language
        return str(languages.get(code, code)) if code else "-"

    def audit_client_ref(self, obj: Decision) -> str:
        return obj.conversation.client.client_ref
