"""What UWV holds about one client, for their request of access (AVG art. 15).

``access_report`` reads everything stored about the client into one document of
plain data: the JSON file is that document, and the PDF is rendered from it, so
the two never say different things. Codes stay beside their words (``code`` and
``text``), times are in Europe/Amsterdam, in ISO form and in Dutch words.

Other people's personal data stays out (art. 15(4)): participants appear by their
role only, employees by role and team (and by name only when
``ACCESS_EXPORT_EMPLOYEE_NAMES`` says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.catalogue import Action
from audit.models import AuditEvent
from audit.presentation import role_labels
from conversations.models import Client, Conversation, Decision, Participant
from conversations.presentation import CONDITION_TITLES, MISSING_TITLES, REASON_TITLES
from rules.engine import PARTICIPANT_PREFIX, Condition, Reason
from rules.models import RuleText
from uwvrec.moments import day_shown, moment_shown
from violations.models import BrokenRule, ViolationEvent, ViolationReport

DOCUMENT = "uwvrec-inzage"
VERSION = 1
LANGUAGE = "nl"
# The steps a build counts: the five parts read, then the two files written.
PARTS = ("client", "conversations", "violation_reports", "letters", "views")
STEPS = len(PARTS) + 2


def access_report(
    *,
    client: Client,
    export_id: int,
    at: dt.datetime,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Return the document of what is stored about ``client``, in Dutch.

    ``progress`` is told the number of parts read after each part.
    """
    names = _EmployeeNames(shown=settings.ACCESS_EXPORT_EMPLOYEE_NAMES)
    readers: list[Callable[[], Any]] = [
        lambda: _client(client),
        lambda: _conversations(client, names),
        lambda: _reports(client, names),
        lambda: _letters(client, names),
        lambda: _views(client),
    ]
    with translation.override(LANGUAGE):
        document: dict[str, Any] = {
            "document": DOCUMENT,
            "version": VERSION,
            "export": export_id,
            "made_at": _moment(at),
            "employee_names_shown": names.shown,
        }
        for done, (part, read) in enumerate(zip(PARTS, readers, strict=True), 1):
            document[part] = read()
            if progress is not None:
                progress(done)
        document["rule_texts"] = _rule_texts(document["conversations"])
    return document


def counts(document: dict[str, Any]) -> dict[str, int]:
    """Return how many of each the document holds (for the audit trail)."""
    return {
        "conversations": len(document["conversations"]),
        "decisions": sum(len(c["decisions"]) for c in document["conversations"]),
        "violation_reports": len(document["violation_reports"]),
        "letters": len(document["letters"]),
        "views": len(document["views"]),
        "rule_texts": len(document["rule_texts"]),
    }


def _moment(value: dt.datetime | None) -> dict[str, str] | None:
    if value is None:
        return None
    local = timezone.localtime(value)
    return {"at": local.isoformat(), "text": moment_shown(local)}


def _day(value: dt.date | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"on": value.isoformat(), "text": day_shown(value)}


def _coded(code: str, text: str | Promise) -> dict[str, str]:
    return {"code": code, "text": capfirst(str(text))}


def _yes_no(value: bool | None) -> dict[str, Any]:
    """A yes or no the employee recorded, or that it was not asked (None)."""
    words = {True: _("ja"), False: _("nee"), None: _("niet gevraagd")}
    return {"value": value, "text": str(words[value])}


class _EmployeeNames:
    """Employees as the document names them: role and team, and a name if shown."""

    def __init__(self, *, shown: bool) -> None:
        self.shown = shown
        self._roles: dict[int, str] = {}

    def person(self, user: User | None, team: str) -> dict[str, str] | None:
        if user is None:
            return None
        if user.pk not in self._roles:
            self._roles[user.pk] = role_labels(",".join(r.value for r in user.roles))
        shown = {"role": capfirst(self._roles[user.pk]), "team": team}
        if self.shown:
            shown["name"] = user.get_full_name() or user.username
        return shown


def _client(client: Client) -> dict[str, Any]:
    flag = client.flag
    return {
        "name": client.display_name,
        "bsn_masked": client.bsn_masked,
        "registered_at": _moment(client.created_at),
        "flag": None
        if flag is None
        else {
            "report": flag.report_id,
            "happened_on": _day(flag.happened_on),
            "rule": _coded(flag.rule, BrokenRule(flag.rule).label),
        },
    }


def _conversations(client: Client, names: _EmployeeNames) -> list[dict[str, Any]]:
    conversations = (
        Conversation.objects.filter(client=client)
        .select_related("employee", "team", "informed_text")
        .prefetch_related(
            Prefetch(
                "participants", queryset=Participant.objects.order_by("asked_at", "id")
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related(
                    "decided_by", "rule_text"
                ).order_by("sequence"),
            ),
        )
        .order_by("scheduled_at", "id")
    )
    return [_conversation(c, names) for c in conversations]


def _conversation(c: Conversation, names: _EmployeeNames) -> dict[str, Any]:
    team = c.team.name
    decisions = list(c.decisions.all())
    superseded = {d.supersedes_id for d in decisions if d.supersedes_id}
    return {
        "id": c.pk,
        "scheduled_at": _moment(c.scheduled_at),
        "channel": _coded(c.channel, c.get_channel_display()),
        "kind": _coded(c.kind, c.get_kind_display()),
        "place": c.place,
        "status": _coded(c.status, c.get_status_display()),
        "employee": names.person(c.employee, team),
        "wish": _coded(c.wish, c.get_wish_display()) if c.wish else None,
        "participants": [_participant(p) for p in c.participants.all()],
        "client_informed": _yes_no(c.client_informed),
        "rule_text_told": _rule_text_ref(c.informed_text),
        "client_accepts_rules": _yes_no(c.client_accepts_rules),
        "uwv_records": _yes_no(c.uwv_records),
        "uwv_reason": c.uwv_reason,
        "client_recorded": _yes_no(c.client_recorded),
        "uwv_recorded": _yes_no(c.uwv_recorded),
        "decisions": [_decision(d, team, names, d.pk in superseded) for d in decisions],
    }


def _participant(p: Participant) -> dict[str, Any]:
    """A participant by role only: their name is theirs, not the client's."""
    return {
        "role": _coded(p.role, p.get_role_display()),
        "consents": _yes_no(p.consents),
        "joined_later": p.joined_at is not None,
    }


def _decision(
    d: Decision, team: str, names: _EmployeeNames, superseded: bool
) -> dict[str, Any]:
    return {
        "sequence": d.sequence,
        "decided_at": _moment(d.decided_at),
        "decided_by": names.person(d.decided_by, team),
        "outcome": _coded(d.outcome, d.get_outcome_display()),
        "reasons": [_coded(r, REASON_TITLES[Reason(r)]) for r in d.reasons],
        "conditions": [_coded(k, CONDITION_TITLES[Condition(k)]) for k in d.conditions],
        "missing": [_missing(code) for code in (*d.missing, *d.uwv_missing)],
        "uwv_recording": _coded(d.uwv_recording, d.get_uwv_recording_display()),
        "policy_version": d.policy_version,
        "rule_text": _rule_text_ref(d.rule_text),
        "superseded": superseded,
    }


def _missing(code: str) -> dict[str, str]:
    """What was still to be asked, without the participant's name."""
    if code.startswith(PARTICIPANT_PREFIX):
        return _coded(code, _("De toestemming van een deelnemer is nog niet gevraagd."))
    return _coded(code, MISSING_TITLES.get(code, code))


def _rule_text_ref(text: RuleText | None) -> dict[str, Any] | None:
    if text is None:
        return None
    return {
        "id": text.pk,
        "title": text.title,
        "policy_version": text.policy_version,
        "text_version": text.text_version,
        "language": text.language,
    }


def _rule_texts(conversations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rule texts the client was told, or that a decision was made under."""
    ids: set[int] = set()
    for c in conversations:
        refs = [c["rule_text_told"], *(d["rule_text"] for d in c["decisions"])]
        ids.update(ref["id"] for ref in refs if ref)
    return [
        {**(_rule_text_ref(text) or {}), "body": text.body}
        for text in RuleText.objects.filter(pk__in=ids).order_by(
            "policy_version", "text_version", "language"
        )
    ]


def _reports(client: Client, names: _EmployeeNames) -> list[dict[str, Any]]:
    reports = (
        ViolationReport.objects.filter(client=client)
        .select_related("team", "reported_by", "decided_by", "withdrawn_by")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ViolationEvent.objects.select_related("actor").order_by(
                    "at", "id"
                ),
            )
        )
        .order_by("reported_at", "id")
    )
    return [_report(r, names) for r in reports]


def _report(r: ViolationReport, names: _EmployeeNames) -> dict[str, Any]:
    team = r.team.name
    return {
        "id": r.pk,
        "conversation": r.conversation_id,
        "rule": _coded(r.rule, r.get_rule_display()),
        "happened_on": _day(r.happened_on),
        "what_happened": r.what_happened,
        "how_established": r.how_established,
        "reported_at": _moment(r.reported_at),
        "reported_by": names.person(r.reported_by, team),
        "status": _coded(r.status, r.get_status_display()),
        "decided_at": _moment(r.decided_at),
        "decided_by": names.person(r.decided_by, team),
        "decision_reason": r.decision_reason,
        "withdrawn_at": _moment(r.withdrawn_at),
        "withdrawn_by": names.person(r.withdrawn_by, team),
        "withdrawal_reason": r.withdrawal_reason,
        "history": [
            {
                "kind": _coded(e.kind, e.get_kind_display()),
                "at": _moment(e.at),
                "by": names.person(e.actor, team),
                "reason": e.reason,
            }
            for e in r.events.all()
        ],
    }


def _client_events(client: Client) -> Any:
    return AuditEvent.objects.filter(client_ref=client.client_ref).order_by(
        "occurred_at", "id"
    )


def _letters(client: Client, names: _EmployeeNames) -> list[dict[str, Any]]:
    """The letters made about a violation of the client's (printed or as PDF)."""
    letters = _client_events(client).filter(action=Action.LETTER_PRINTED)
    shown = []
    for event in letters:
        language = event.data.get("language", "")
        shown.append(
            {
                "made_at": _moment(event.occurred_at),
                "report": int(event.object_id) if event.object_id.isdigit() else None,
                "language": _coded(language, _LANGUAGE_NAMES.get(language, language)),
                "made_by": _role_and_team(event, names.shown),
            }
        )
    return shown


_LANGUAGE_NAMES = dict(RuleText.Language.choices)  # the letter's languages


def _views(client: Client) -> list[dict[str, Any]]:
    """Who at UWV read or changed the client's data, and when (the audit trail)."""
    shown = settings.ACCESS_EXPORT_EMPLOYEE_NAMES
    return [
        {
            "at": _moment(event.occurred_at),
            "action": _coded(event.action, event.get_action_display()),
            "by": _role_and_team(event, shown),
        }
        for event in _client_events(client).iterator(chunk_size=2000)
    ]


def _role_and_team(event: AuditEvent, names_shown: bool) -> dict[str, str]:
    """The employee of an event as they were then; the system where nobody was."""
    if event.actor_id is None:
        return {"role": _("uwvrec (automatisch)"), "team": ""}
    role = role_labels(event.actor_role) or str(Role.EMPLOYEE.label)
    by = {"role": capfirst(role), "team": event.team_name}
    if names_shown:
        by["name"] = event.actor_name or event.actor_username
    return by
