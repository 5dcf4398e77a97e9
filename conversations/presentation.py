"""What the checklist pages show: step names and links, and the outcome panel."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conversations.checklist import Plan, Step, StepRef
from conversations.models import Conversation, Decision
from conversations.schedule import day_is_over
from rules.engine import PARTICIPANT_PREFIX, Condition, Missing, Outcome, Reason, Ruling
from rules.models import RuleText
from rules.selectors import rule_text_current

SLUGS: dict[Step, str] = {
    Step.KIND: "soort",
    Step.WISH: "opnemen",
    Step.PARTICIPANTS: "deelnemers",
    Step.INFORM: "spelregels",
    Step.ACCEPTS: "instemmen",
    Step.CONSENT: "toestemming",
    Step.UWV: "uwv",
    Step.UWV_DETAILS: "uwv-reden",
    Step.OUTCOME: "uitkomst",
}
STEP_OF_SLUG = {slug: step for step, slug in SLUGS.items()}

NAMES: dict[Step, Promise] = {
    Step.KIND: gettext_lazy("Soort gesprek"),
    Step.WISH: gettext_lazy("Wens van de klant"),
    Step.PARTICIPANTS: gettext_lazy("Wie doen er mee"),
    Step.INFORM: gettext_lazy("Spelregels vertellen"),
    Step.ACCEPTS: gettext_lazy("Eens met de spelregels"),
    Step.CONSENT: gettext_lazy("Toestemming"),
    Step.UWV: gettext_lazy("Opname door UWV"),
    Step.UWV_DETAILS: gettext_lazy("Reden opname UWV"),
    Step.OUTCOME: gettext_lazy("Uitkomst"),
}

REASON_TITLES: dict[Reason, Promise] = {
    Reason.VIDEO_NOT_ALLOWED: gettext_lazy("Beeldopnamen zijn nooit toegestaan."),
    Reason.RULES_NOT_ACCEPTED: gettext_lazy(
        "De klant is het niet eens met de spelregels."
    ),
    Reason.THIRD_PARTY_NO_CONSENT: gettext_lazy(
        "Iemand die meedoet, geeft geen toestemming."
    ),
    Reason.MEDIATION_NO_CONSENT: gettext_lazy(
        "Bij mediation geeft de mediator of de wederpartij geen toestemming."
    ),
    Reason.INVESTIGATION_INTERVIEW: gettext_lazy(
        "Het is een verhoor door een opsporingsambtenaar."
    ),
    Reason.PRIOR_VIOLATION: gettext_lazy(
        "De klant hield zich eerder niet aan de spelregels."
    ),
}
CONDITION_TITLES: dict[Condition, Promise] = {
    Condition.AUDIO_ONLY: gettext_lazy("Alleen geluid, geen beeld."),
    Condition.HOME_CIRCLE_ONLY: gettext_lazy(
        "Alleen voor eigen gebruik, in de huiselijke kring van de klant."
    ),
}
MISSING_TITLES: dict[str, Promise] = {
    Missing.CLIENT_INFORMED: gettext_lazy("De spelregels zijn nog niet verteld."),
    Missing.CLIENT_ACCEPTS_RULES: gettext_lazy(
        "Nog niet gevraagd of de klant het eens is met de spelregels."
    ),
    Missing.MEDIATOR: gettext_lazy("Er doet nog geen mediator mee."),
    Missing.OTHER_PARTY: gettext_lazy("Er doet nog geen wederpartij mee."),
    Missing.UWV_REASON: gettext_lazy("De reden voor de opname door UWV ontbreekt."),
    Missing.PARTICIPANTS_TOLD_UWV_RECORDS: gettext_lazy(
        "Nog niet bevestigd dat iedereen weet dat UWV opneemt."
    ),
}
MISSING_STEPS: dict[str, Step] = {
    Missing.CLIENT_INFORMED: Step.INFORM,
    Missing.CLIENT_ACCEPTS_RULES: Step.ACCEPTS,
    Missing.MEDIATOR: Step.PARTICIPANTS,
    Missing.OTHER_PARTY: Step.PARTICIPANTS,
    Missing.UWV_REASON: Step.UWV_DETAILS,
    Missing.PARTICIPANTS_TOLD_UWV_RECORDS: Step.UWV_DETAILS,
}


def step_url(conversation: Conversation, ref: StepRef) -> str:
    """Return the address of one checklist page."""
    if ref.participant_id is not None:  # a consent: one page per participant
        return reverse(
            "conversations:consent", args=[conversation.pk, int(ref.participant_id)]
        )
    return reverse("conversations:step", args=[conversation.pk, SLUGS[ref.step]])


@dataclass(frozen=True)
class IndicatorItem:
    name: str
    url: str
    done: bool
    current: bool


def indicator(
    conversation: Conversation, plan: Plan, here: StepRef
) -> list[IndicatorItem]:
    """Return the step indicator: what is done, where we are, and what is left."""
    names = {str(p.pk): p.name for p in conversation.participants.all()}
    reachable = {p.ref for p in plan.steps[: (plan.index(plan.next) or 0) + 1]}
    return [
        IndicatorItem(
            name=_step_name(planned.ref, names),
            url=step_url(conversation, planned.ref) if planned.ref in reachable else "",
            done=planned.done,
            current=planned.ref == here,
        )
        for planned in plan.steps
    ]


def _step_name(ref: StepRef, names: dict[str, str]) -> str:
    if ref.step is Step.CONSENT:
        return _("Toestemming van %(name)s") % {
            "name": names.get(ref.participant_id or "", "")
        }
    return str(NAMES[ref.step])


@dataclass
class Panel:
    """The one unmistakable outcome panel."""

    outcome: str
    icon: str
    title: str
    say: str = ""
    say_language: str = "nl"
    items: list[tuple[str, str | None]] = field(default_factory=list)
    alternative: str = ""
    missing: list[tuple[str, str]] = field(default_factory=list)


ICONS = {
    Outcome.ALLOWED: "✓",
    Outcome.NOT_ALLOWED: "✗",
    Outcome.NOT_REQUESTED: "○",
    Outcome.INCOMPLETE: "?",
}


def client_language(conversation: Conversation) -> str:
    text = conversation.informed_text
    return text.language if text is not None else RuleText.Language.DUTCH


def outcome_panel(
    conversation: Conversation,
    decision: Ruling,
    policy_version: str,
    *,
    recording_may_run: bool = False,
) -> Panel:
    """Return what the outcome page tells the employee and the client.

    ``recording_may_run``: an earlier decision let the client record and someone
    joined since, so the client may be recording right now. Unless the new
    outcome allows it again, the first thing to say is to stop.
    """
    language = client_language(conversation)
    outcome = Outcome(decision.outcome)
    panel = Panel(
        outcome=outcome.value,
        icon=ICONS[outcome],
        title=_title(outcome),
        say_language=language,
    )
    if outcome is Outcome.INCOMPLETE:
        panel.missing = _missing(conversation, decision)
        if recording_may_run:
            with translation.override(language):
                panel.say = _(
                    "Wilt u de opname nu stoppen? Er doet nu iemand mee. Ik moet "
                    "eerst iets vragen voordat u weer mag opnemen."
                )
        return panel
    if outcome is Outcome.NOT_REQUESTED:
        return panel
    passages = _passages(policy_version, language)
    if outcome is Outcome.ALLOWED:
        panel.items = _explained(decision.conditions, CONDITION_TITLES, passages)
    else:
        panel.items = _explained(decision.reasons, REASON_TITLES, passages)
    # What the employee says, and the passages, are in the client's language.
    with translation.override(language):
        if outcome is Outcome.ALLOWED:
            panel.say = _(
                "U mag dit gesprek opnemen: alleen het geluid, en alleen voor "
                "uzelf en uw huiselijke kring."
            )
        elif recording_may_run:
            panel.say = _(
                "Wilt u de opname nu stoppen? U mag het gesprek vanaf nu niet meer "
                "opnemen. Ik leg u uit waarom."
            )
            panel.alternative = _alternative(conversation)
        else:
            panel.say = _("U mag dit gesprek helaas niet opnemen. Ik leg u uit waarom.")
            panel.alternative = _alternative(conversation)
    return panel


def _title(outcome: Outcome) -> str:
    return {
        Outcome.ALLOWED: _("De klant mag het gesprek opnemen"),
        Outcome.NOT_ALLOWED: _("De klant mag het gesprek niet opnemen"),
        Outcome.NOT_REQUESTED: _("De klant wil het gesprek niet opnemen"),
        Outcome.INCOMPLETE: _("Nog te vragen"),
    }[outcome]


def _alternative(conversation: Conversation) -> str:
    if conversation.channel == "phone":
        return _(
            "U krijgt een schriftelijk verslag van het gesprek, of u laat iemand "
            "die u vertrouwt meeluisteren."
        )
    return _(
        "U krijgt een schriftelijk verslag van het gesprek, of u neemt iemand mee "
        "die u vertrouwt en die meeluistert."
    )


def _passages(policy_version: str, language: str) -> RuleText | None:
    try:
        return rule_text_current(
            policy_version=policy_version, language=language, audience="handout"
        )
    except RuleText.DoesNotExist:
        return None


_Code = TypeVar("_Code", Reason, Condition)


def _explained(
    codes: Iterable[_Code],
    titles: Mapping[_Code, Promise],
    text: RuleText | None,
) -> list[tuple[str, str | None]]:
    return [
        (str(titles[code]), text.passage(code.rule) if text else None) for code in codes
    ]


def _missing(conversation: Conversation, decision: Ruling) -> list[tuple[str, str]]:
    names = {str(p.pk): p.name for p in conversation.participants.all()}
    items = []
    for code in (*decision.missing, *decision.uwv_missing):
        if code.startswith(PARTICIPANT_PREFIX):
            pid = code.removeprefix(PARTICIPANT_PREFIX)
            label = _("Toestemming van %(name)s is nog niet gevraagd.") % {
                "name": names.get(pid, "")
            }
            items.append((label, step_url(conversation, StepRef(Step.CONSENT, pid))))
        else:
            step = MISSING_STEPS[code]
            items.append(
                (str(MISSING_TITLES[code]), step_url(conversation, StepRef(step)))
            )
    return items


def stored_decision_panel(
    conversation: Conversation, decision: Decision, *, recording_may_run: bool = False
) -> Panel:
    """Return the panel of a recorded decision, as it was recorded."""
    engine = Ruling(
        policy_version=decision.policy_version,
        outcome=Outcome(decision.outcome),
        reasons=tuple(Reason(code) for code in decision.reasons),
        missing=tuple(decision.missing),
        conditions=tuple(Condition(code) for code in decision.conditions),
    )
    return outcome_panel(
        conversation,
        engine,
        decision.policy_version,
        recording_may_run=recording_may_run,
    )


@dataclass(frozen=True)
class StatusShown:
    code: str
    label: str


NOT_HELD = "not_held"
# Still planned or mid-checklist after its day: nobody recorded a decision.
WAITING_STATUSES = (Conversation.Status.PLANNED, Conversation.Status.IN_CHECKLIST)


def status_shown(conversation: Conversation, *, today: datetime.date) -> StatusShown:
    """Return the status to show: the stored one, or "niet gehouden" after its day.

    Computed when shown, never stored: a conversation whose day ended without a
    decision reads as not held, and rescheduling it or finishing its checklist
    late makes it read as what it then is. A recorded decision is never touched.
    """
    if conversation.status in WAITING_STATUSES and day_is_over(
        conversation.scheduled_at, today=today
    ):
        return StatusShown(NOT_HELD, _("niet gehouden (geen besluit vastgelegd)"))
    return StatusShown(conversation.status, str(conversation.get_status_display()))
