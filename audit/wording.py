"""An event's payload in words: Dutch labels for its keys, its codes as words.

The payload keeps the codes (``docs/audit-events.md``), and the export shows them
as stored; the review pages show what they mean. A key or value not known here is
shown as stored, so that nothing recorded is hidden from the reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.roles import Role
from audit.catalogue import Action, Result
from conversations.models import (
    CHANNELS,
    KINDS,
    OUTCOMES,
    ROLES,
    UWV_RECORDINGS,
    Conversation,
)
from conversations.presentation import CONDITION_TITLES, NAMES, REASON_TITLES
from rules.models import RuleText
from uwvrec.moments import day_shown, moment_shown
from violations.models import BrokenRule, Notification, ReportStatus

Words = Mapping[str, Any]

KEY_LABELS: dict[str, Promise] = {
    "accepts": gettext_lazy("eens met de spelregels"),
    "action": gettext_lazy("handeling"),
    "actor_id": gettext_lazy("medewerker (id)"),
    "anchors": gettext_lazy("ankers buiten de database"),
    "attempts": gettext_lazy("pogingen"),
    "audience": gettext_lazy("voor wie"),
    "channel": gettext_lazy("soort contact"),
    "checked": gettext_lazy("gebeurtenissen gecontroleerd"),
    "client_flagged": gettext_lazy("klant gesignaleerd"),
    "client_recorded": gettext_lazy("klant heeft opgenomen"),
    "client_ref": gettext_lazy("klant"),
    "code": gettext_lazy("reden"),
    "conditions": gettext_lazy("voorwaarden"),
    "consents": gettext_lazy("geeft toestemming"),
    "conversation": gettext_lazy("gesprek (nummer)"),
    "conversations": gettext_lazy("gesprekken"),
    "count": gettext_lazy("aantal"),
    "counts": gettext_lazy("aantallen in de export"),
    "decisions": gettext_lazy("besluiten"),
    "letters": gettext_lazy("brieven"),
    "rule_texts": gettext_lazy("spelregelteksten"),
    "violation_reports": gettext_lazy("meldingen van overtredingen"),
    "views": gettext_lazy("keren bekeken of vastgelegd"),
    "date_from": gettext_lazy("van (datum)"),
    "date_to": gettext_lazy("tot en met (datum)"),
    "differing": gettext_lazy("besluiten die anders uitkwamen"),
    "errors": gettext_lazy("fouten"),
    "failures": gettext_lazy("mislukte pogingen"),
    "filters": gettext_lazy("filters"),
    "format": gettext_lazy("bestandsformaat"),
    "found": gettext_lazy("klant gevonden"),
    "head_seq": gettext_lazy("gecontroleerd tot en met positie"),
    "include_reads": gettext_lazy("ook inzage in de audittrail"),
    "ip_address": gettext_lazy("IP-adres"),
    "job": gettext_lazy("opdracht (nummer)"),
    "joined_during_conversation": gettext_lazy("kwam erbij tijdens het gesprek"),
    "kind": gettext_lazy("soort"),
    "language": gettext_lazy("taal"),
    "login_ref": gettext_lazy("onbekende gebruikersnaam (versleuteld)"),
    "model": gettext_lazy("soort object"),
    "month": gettext_lazy("maand"),
    "moved": gettext_lazy("verplaatst"),
    "object_id": gettext_lazy("object (id)"),
    "object_type": gettext_lazy("soort object"),
    "outcome": gettext_lazy("uitkomst"),
    "page": gettext_lazy("pagina"),
    "participant": gettext_lazy("deelnemer (nummer)"),
    "participants": gettext_lazy("deelnemers"),
    "participants_told": gettext_lazy("iedereen verteld dat UWV opneemt"),
    "pending": gettext_lazy("wachtend op de keten"),
    "policy_version": gettext_lazy("beleidsversie"),
    "problem": gettext_lazy("gevonden fout"),
    "reason_given": gettext_lazy("reden opgegeven"),
    "reasons": gettext_lazy("redenen"),
    "remaining": gettext_lazy("herstelcodes over"),
    "report": gettext_lazy("melding (nummer)"),
    "result": gettext_lazy("resultaat"),
    "role": gettext_lazy("rol"),
    "rule": gettext_lazy("overtreden regel"),
    "rule_text": gettext_lazy("spelregeltekst (nummer)"),
    "rule_text_language": gettext_lazy("taal van de spelregels"),
    "scheduled_at": gettext_lazy("datum en tijd"),
    "scope": gettext_lazy("geblokkeerd op"),
    "sequence": gettext_lazy("besluit (volgnummer)"),
    "status": gettext_lazy("status"),
    "step": gettext_lazy("stap van de checklist"),
    "supersedes": gettext_lazy("vervangt besluit (nummer)"),
    "text_version": gettext_lazy("tekstversie"),
    "until": gettext_lazy("tot en met"),
    "requested_by": gettext_lazy("gevraagd door (id)"),
    "requested_role": gettext_lazy("gevraagd als"),
    "hold": gettext_lazy("bewaarplicht (nummer)"),
    "removed": gettext_lazy("verwijderd (per tabel: rijen, eerste en laatste id)"),
    "uwv_recorded": gettext_lazy("UWV heeft opgenomen"),
    "uwv_recording": gettext_lazy("opname door UWV"),
    "uwv_records": gettext_lazy("UWV neemt op"),
    "wish": gettext_lazy("wens van de klant"),
}

CODE_WORDS: dict[str, Promise] = {
    "database": gettext_lazy("de database weigerde het"),
    "failed": gettext_lazy("mislukt"),
    "already_decided": gettext_lazy("het besluit was al vastgelegd"),
    "already_requested": gettext_lazy("opheffen was al gevraagd"),
    "already_open": gettext_lazy("er stond al een verzoek om te wissen open"),
    "flagged": gettext_lazy("de klant is gesignaleerd na een bevestigde overtreding"),
    "hold": gettext_lazy("er stond een bewaarplicht op de klant"),
    "not_in_team": gettext_lazy("de klant had geen gesprek met het eigen team"),
    "not_open": gettext_lazy("over het verzoek was al beslist"),
    "same_role": gettext_lazy("akkoord in dezelfde rol als wie het vroeg"),
    "case_missing": gettext_lazy("het zaaknummer ontbrak"),
    "answers_changed": gettext_lazy("de antwoorden waren intussen veranderd"),
    "bsn_in_text": gettext_lazy("er stond een BSN in de tekst"),
    "bsn": gettext_lazy("er stond een BSN in het veld"),
    "client_gone": gettext_lazy("de klant was er niet meer"),
    "closed": gettext_lazy("het gesprek was al afgesloten"),
    "date_out_of_range": gettext_lazy("de datum kan niet"),
    "decided": gettext_lazy("er was al over beslist"),
    "four_eyes": gettext_lazy("wie meldt, mag niet zelf beslissen"),
    "incomplete": gettext_lazy("er moest nog iets gevraagd worden"),
    "invalid": gettext_lazy("ongeldig"),
    "invalid_choice": gettext_lazy("geen geldige keuze"),
    "invalid_cursor": gettext_lazy("de link naar oudere gebeurtenissen klopte niet"),
    "malformed_answer": gettext_lazy("de browser gaf een onleesbaar antwoord"),
    "lost": gettext_lazy("de filters waren niet meer bewaard"),
    "mediation_incomplete": gettext_lazy("bij mediation ontbrak nog iemand"),
    "no_policy": gettext_lazy("op die datum golden nog geen spelregels"),
    "no_reason": gettext_lazy("er was geen reden opgegeven"),
    "not_a_question": gettext_lazy("dit is geen vraag van de checklist"),
    "not_confirmed": gettext_lazy("het was niet bevestigd"),
    "not_decided": gettext_lazy("er was nog niet over beslist"),
    "not_found": gettext_lazy("niet gevonden"),
    "not_planned": gettext_lazy("het gesprek was niet meer gepland"),
    "not_read_here": gettext_lazy("filters in de link worden niet gebruikt"),
    "not_reachable": gettext_lazy("die stap was nog niet aan de beurt"),
    "not_requested": gettext_lazy("niemand had gevraagd op te heffen"),
    "not_standing": gettext_lazy("de bewaarplicht stond niet meer"),
    "not_told": gettext_lazy("niet iedereen was verteld dat UWV opneemt"),
    "object": gettext_lazy("soort object ontbrak"),
    "out_of_range": gettext_lazy("datum buiten het bereik"),
    "passkey_refused": gettext_lazy("de handtekening van de passkey klopte niet"),
    "period": gettext_lazy("einddatum vóór de begindatum"),
    "reason_missing": gettext_lazy("de reden ontbrak"),
    "required": gettext_lazy("niet ingevuld"),
    "stale_text": gettext_lazy("er was intussen een nieuwere spelregeltekst"),
    "unknown": gettext_lazy("onbekend"),
    "until_past": gettext_lazy("de einddatum lag in het verleden"),
    "until_too_late": gettext_lazy("de einddatum lag na 2100"),
    "unknown_passkey": gettext_lazy("geen passkey van deze gebruiker"),
    "throttled": gettext_lazy("te veel onjuiste codes achter elkaar: even wachten"),
    "wrong_code": gettext_lazy("onjuiste code"),
}

PAGE_TITLES: dict[str, Promise] = {
    "conversations:detail": gettext_lazy("het gesprek"),
    "conversations:checklist": gettext_lazy("de checklist"),
    "conversations:step": gettext_lazy("een stap van de checklist"),
    "conversations:consent": gettext_lazy("de toestemming van een deelnemer"),
    "conversations:conclude": gettext_lazy("de afloop van het gesprek"),
    "flagged_list": gettext_lazy("de lijst van gesignaleerde klanten"),
    "violations:flagged": gettext_lazy("de lijst van gesignaleerde klanten"),
    "violations:report": gettext_lazy("een overtreding melden"),
    "privacy:holds": gettext_lazy("de lijst van bewaarplichten"),
    "privacy:hold_detail": gettext_lazy("de bewaarplicht"),
    "privacy:erasures": gettext_lazy("de lijst van verzoeken om te wissen"),
    "privacy:erasure_detail": gettext_lazy("het verzoek om te wissen"),
    "privacy:access": gettext_lazy("de lijst van inzage-exports"),
    "privacy:access_detail": gettext_lazy("de inzage-export"),
}
# An erasure request's status (privacy.erasure_viewed), as the model says it.
_ERASURE_STATUSES = {
    "requested": gettext_lazy("wacht op akkoord"),
    "declined": pgettext_lazy("erasure request", "afgewezen"),
    "refused": gettext_lazy("niet gewist"),
    "done": gettext_lazy("gewist"),
}
# A legal hold's status (privacy.hold_viewed), as privacy.presentation says it.
_HOLD_STATUSES = {
    "standing": gettext_lazy("staat"),
    "lift_requested": gettext_lazy("staat, opheffen gevraagd"),
    "ended": gettext_lazy("afgelopen"),
    "lifted": gettext_lazy("opgeheven"),
}

# What a retention batch or an erasure removed (privacy.records_removed), as the
# schedule (privacy.schedule, a layer above) names the kinds.
_RETENTION_KINDS = {
    "notification": gettext_lazy("berichten aan medewerkers"),
    "violation_report": gettext_lazy("meldingen van overtredingen"),
    "conversation": gettext_lazy("gesprekken"),
    "client": gettext_lazy("klanten"),
    "audit_month": gettext_lazy("een maand van de audittrail"),
    "export_file": gettext_lazy("exportbestanden"),
    "session": gettext_lazy("sessies"),
    "erasure": gettext_lazy("wissen op verzoek"),
}
# An access export's status (privacy.access_viewed), as the model says it.
_ACCESS_STATUSES = {
    "queued": gettext_lazy("in de wachtrij"),
    "running": gettext_lazy("bezig"),
    "done": gettext_lazy("klaar"),
    "failed": gettext_lazy("mislukt"),
}

_SCOPES = {"username": gettext_lazy("het account"), "ip": gettext_lazy("het adres")}
# The second factor's kinds of device (auth.device_*, auth.second_factor_*).
_SECOND_FACTORS = {
    "totp": gettext_lazy("authenticator-app"),
    "recovery_codes": gettext_lazy("herstelcodes"),
    "recovery_code": gettext_lazy("herstelcode"),
    "passkey": gettext_lazy("passkey"),
}
_FORMATS = {"csv": "CSV", "jsonl": "JSON Lines", "pdf": "PDF", "json": "JSON"}


def _choices(*choices: Any) -> dict[str, Any]:
    words: dict[str, Any] = {}
    for group in choices:
        words.update(dict(group))
    return words


def _vocabulary(action: str, key: str) -> Mapping[str, Any] | None:
    """Return what the codes under ``key`` mean, for an event of ``action``."""
    if key == "kind":
        if action.startswith("auth."):
            return _SECOND_FACTORS
        if action == "privacy.records_removed":
            return _RETENTION_KINDS
        notification = action.startswith("notification.")
        return _choices(Notification.Kind.choices if notification else KINDS)
    if key == "status":
        if action.startswith("privacy.erasure"):
            return _ERASURE_STATUSES
        if action.startswith("privacy.access"):
            return _ACCESS_STATUSES
        if action.startswith("privacy."):
            return _HOLD_STATUSES
        return _choices(
            ReportStatus.choices
            if action.startswith("violation.")
            else Conversation.Status.choices
        )
    vocabularies: dict[str, Mapping[str, Any]] = {
        "audience": _choices(RuleText.Audience.choices),
        "channel": _choices(CHANNELS),
        "code": CODE_WORDS,
        "conditions": _choices(CONDITION_TITLES.items()),
        "format": _FORMATS,
        "language": _choices(RuleText.Language.choices),
        "outcome": _choices(OUTCOMES),
        "page": PAGE_TITLES,
        "reasons": _choices(REASON_TITLES.items()),
        "result": _choices(Result.choices),
        "action": _choices(Action.choices),
        "role": _choices(ROLES, Role.choices),
        "requested_role": _choices(Role.choices),
        "rule": _choices(BrokenRule.choices),
        "rule_text_language": _choices(RuleText.Language.choices),
        "scope": _SCOPES,
        "step": {str(step): name for step, name in NAMES.items()},
        "uwv_recording": _choices(UWV_RECORDINGS),
        "wish": _choices(Conversation.Wish.choices),
    }
    return vocabularies.get(key)


def _moment(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        return value
    return moment_shown(moment)


def _day(value: str) -> str:
    try:
        return day_shown(dt.date.fromisoformat(value))
    except ValueError:
        return value


def _model_name(value: str) -> str:
    try:
        return capfirst(str(apps.get_model(value)._meta.verbose_name))
    except (LookupError, ValueError):
        return value


_SPECIAL: dict[str, Callable[[str], str]] = {
    "scheduled_at": _moment,
    "date_from": _day,
    "date_to": _day,
    "until": _day,
    "model": _model_name,
    "object_type": _model_name,
}


def label(key: str) -> str:
    """Return the Dutch label of a payload key (the key itself when unknown)."""
    return capfirst(str(KEY_LABELS.get(key, key)))


def in_words(action: str, key: str, value: Any) -> str:
    """Return a stored payload value as a reader says it."""
    if value is None or value == "" or value == [] or value == {}:
        return _("(leeg)")
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, dict) and key == "errors":
        return "; ".join(
            f"{label(name)}: {in_words(action, 'code', codes)}"
            for name, codes in sorted(value.items())
        )
    if isinstance(value, dict):
        return "; ".join(
            f"{label(name)}: {in_words(action, name, item)}"
            for name, item in sorted(value.items())
        )
    if isinstance(value, list):
        # Some items are sentences: "Alleen geluid, geen beeld."
        return "; ".join(in_words(action, key, item).rstrip(".") for item in value)
    if isinstance(value, str) and key in _SPECIAL:
        return _SPECIAL[key](value)
    vocabulary = _vocabulary(action, key)
    if vocabulary is not None and isinstance(value, str) and value in vocabulary:
        return str(vocabulary[value])
    return str(value)


def payload_in_words(action: str, data: Words) -> list[tuple[str, str]]:
    """Return a payload as (label, value in words) pairs, in the order of labels."""
    items = [(label(key), in_words(action, key, value)) for key, value in data.items()]
    return sorted(items)
