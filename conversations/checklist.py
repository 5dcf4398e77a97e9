"""Decide which checklist step comes next, from the answers given so far.

Pure: dataclasses in, dataclasses out; no ORM, no settings, no clock. The engine
(``rules.engine.evaluate``) decides; this module only turns its decision into the
path of questions still worth asking. A decisive "no" (video, an investigation
interview, a flagged client, rules not accepted, a refused consent) drops every
client question not yet answered, and nothing the policy does not need is asked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from rules.engine import (
    Channel,
    Facts,
    Kind,
    Media,
    Missing,
    Outcome,
    ParticipantFacts,
    ParticipantRole,
    Ruling,
    evaluate,
    participant_missing,
)


class Step(StrEnum):
    """A page of the checklist, in the order they are asked."""

    KIND = "kind"
    WISH = "wish"
    PARTICIPANTS = "participants"
    INFORM = "inform"
    ACCEPTS = "accepts"
    CONSENT = "consent"
    UWV = "uwv"
    UWV_DETAILS = "uwv_details"
    OUTCOME = "outcome"


class Wish(StrEnum):
    """What the client says when asked whether they want to record."""

    NO = "no"
    AUDIO = "audio"
    VIDEO = "video"


_MEDIATION_ROLES: Final = frozenset({Missing.MEDIATOR, Missing.OTHER_PARTY})


@dataclass(frozen=True, slots=True)
class StepRef:
    """One page: a step, and for a consent the participant it asks about."""

    step: Step
    participant_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Answers:
    """Everything answered so far for one conversation (None: not answered)."""

    date: datetime.date
    channel: Channel
    kind: Kind
    kind_confirmed: bool = False
    wish: Wish | None = None
    participants: tuple[ParticipantFacts, ...] = ()
    participants_confirmed: bool = False
    client_informed: bool | None = None
    client_accepts_rules: bool | None = None
    client_has_prior_violation: bool = False
    uwv_records: bool | None = None
    uwv_reason: str = ""
    participants_told_uwv_records: bool | None = None


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """A step on the path, and whether it has been answered."""

    ref: StepRef
    done: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """The path through the checklist as the answers make it, and the decision."""

    steps: tuple[PlannedStep, ...]
    facts: Facts | None
    decision: Ruling | None

    @property
    def next(self) -> StepRef:
        """Return the first step not answered yet (the outcome when all are)."""
        return next(planned.ref for planned in self.steps if not planned.done)

    @property
    def complete(self) -> bool:
        """Tell whether every question is answered and the decision is final."""
        return self.next.step is Step.OUTCOME

    def index(self, ref: StepRef) -> int | None:
        refs = [planned.ref for planned in self.steps]
        return refs.index(ref) if ref in refs else None

    def reachable(self, ref: StepRef) -> bool:
        """Tell whether ``ref`` is on the path and not beyond the next step."""
        here, nxt = self.index(ref), self.index(self.next)
        return here is not None and nxt is not None and here <= nxt

    def previous(self, ref: StepRef) -> StepRef | None:
        """Return the step before ``ref`` on the path, for the back link."""
        here = self.index(ref)
        return self.steps[here - 1].ref if here else None

    def mediation_roles_missing(self) -> tuple[str, ...]:
        """Return ``mediator``/``other_party`` when a mediation still lacks one."""
        missing = self.decision.missing if self.decision else ()
        return tuple(code for code in missing if code in _MEDIATION_ROLES)


def facts_from(answers: Answers) -> Facts:
    """Return the engine's input for answers whose wish is known."""
    if answers.wish is None:
        raise ValueError("the client's wish to record is not known yet")
    return Facts(
        date=answers.date,
        channel=answers.channel,
        kind=answers.kind,
        client_wants_to_record=answers.wish is not Wish.NO,
        media=Media.VIDEO if answers.wish is Wish.VIDEO else Media.AUDIO,
        client_informed=answers.client_informed,
        client_accepts_rules=answers.client_accepts_rules,
        client_has_prior_violation=answers.client_has_prior_violation,
        participants=answers.participants,
        uwv_records=bool(answers.uwv_records),
        uwv_reason=answers.uwv_reason.strip() or None,
        participants_told_uwv_records=answers.participants_told_uwv_records,
    )


def plan(answers: Answers) -> Plan:
    """Return the path of steps the answers lead to, and the engine's decision."""
    head = [
        PlannedStep(StepRef(Step.KIND), answers.kind_confirmed),
        PlannedStep(StepRef(Step.WISH), answers.wish is not None),
    ]
    if answers.wish is None:
        return Plan((*head, *_predicted(answers)), None, None)
    facts = facts_from(answers)
    decision = evaluate(facts)
    steps = (
        *head,
        *_client_steps(answers, decision),
        *_uwv_steps(answers),
        PlannedStep(StepRef(Step.OUTCOME), False),
    )
    return Plan(steps, facts, decision)


def _predicted(answers: Answers) -> tuple[PlannedStep, ...]:
    """The steps an ordinary conversation goes through, before the wish is known."""
    client = (Step.PARTICIPANTS, Step.INFORM, Step.ACCEPTS)
    return (
        *(PlannedStep(StepRef(step), False) for step in client),
        *_uwv_steps(answers),
        PlannedStep(StepRef(Step.OUTCOME), False),
    )


def _client_steps(answers: Answers, decision: Ruling) -> tuple[PlannedStep, ...]:
    """The questions about the client's recording that this decision needs.

    Not requested: none. Not allowed: only those already answered, so the page
    history stays honest, and nothing more is asked. Otherwise: all of them.
    """
    if decision.outcome is Outcome.NOT_REQUESTED:
        return ()
    missing = set(decision.missing)
    candidates = (
        PlannedStep(
            StepRef(Step.PARTICIPANTS),
            answers.participants_confirmed and not missing & _MEDIATION_ROLES,
        ),
        PlannedStep(StepRef(Step.INFORM), answers.client_informed is True),
        PlannedStep(StepRef(Step.ACCEPTS), answers.client_accepts_rules is not None),
        *(
            PlannedStep(StepRef(Step.CONSENT, p.id), p.consents is not None)
            for p in answers.participants
            if p.consents is not None or participant_missing(p.id) in missing
        ),
    )
    if decision.outcome is Outcome.NOT_ALLOWED:
        return tuple(planned for planned in candidates if planned.done)
    return candidates


def _uwv_steps(answers: Answers) -> tuple[PlannedStep, ...]:
    """R9: whether UWV records too, and if so the reason and that all were told."""
    steps = [PlannedStep(StepRef(Step.UWV), answers.uwv_records is not None)]
    if answers.uwv_records:
        details_done = (
            bool(answers.uwv_reason.strip())
            and answers.participants_told_uwv_records is True
        )
        steps.append(PlannedStep(StepRef(Step.UWV_DETAILS), details_done))
    return tuple(steps)


def needs_consent(role: ParticipantRole) -> bool:
    """Tell whether a participant in this role is asked for consent.

    Only used to label participants on the page; which consents are asked is the
    engine's ``missing`` list.
    """
    return role is not ParticipantRole.UWV_COLLEAGUE
