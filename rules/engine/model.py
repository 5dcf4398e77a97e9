"""Define the facts a recording decision is made from, and the decision itself.

These types are shared by every policy version. A later version may add members
(a new reason, a new condition) but never changes or reuses an existing code: a
stored decision must keep meaning what it meant when it was made.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class Channel(StrEnum):
    """How the conversation takes place."""

    FACE_TO_FACE = "face_to_face"
    PHONE = "phone"


class Kind(StrEnum):
    """What sort of conversation it is."""

    REGULAR = "regular"
    MEDIATION = "mediation"
    INVESTIGATION_INTERVIEW = "investigation_interview"


class Media(StrEnum):
    """What the client wants to record."""

    AUDIO = "audio"
    VIDEO = "video"


class ParticipantRole(StrEnum):
    """The part a participant other than the client and the employee plays."""

    THIRD_PERSON = "third_person"
    REPRESENTATIVE = "representative"
    INTERPRETER = "interpreter"
    MEDIATOR = "mediator"
    OTHER_PARTY = "other_party"
    UWV_COLLEAGUE = "uwv_colleague"


class Outcome(StrEnum):
    """The answer to the client's wish to record."""

    NOT_REQUESTED = "not_requested"
    NOT_ALLOWED = "not_allowed"
    INCOMPLETE = "incomplete"
    ALLOWED = "allowed"


class UwvRecording(StrEnum):
    """The state of UWV's own recording (R9)."""

    NONE = "none"
    PLANNED = "planned"
    INCOMPLETE = "incomplete"


class Rule(StrEnum):
    """The code of a rule of the policy, as the rule texts number them."""

    R1 = "R1"
    R2 = "R2"
    R3 = "R3"
    R4 = "R4"
    R5 = "R5"
    R6 = "R6"
    R7 = "R7"
    R8 = "R8"
    R9 = "R9"


class Reason(StrEnum):
    """A blocking reason: why the client may not record."""

    VIDEO_NOT_ALLOWED = "VIDEO_NOT_ALLOWED"
    RULES_NOT_ACCEPTED = "RULES_NOT_ACCEPTED"
    THIRD_PARTY_NO_CONSENT = "THIRD_PARTY_NO_CONSENT"
    MEDIATION_NO_CONSENT = "MEDIATION_NO_CONSENT"
    INVESTIGATION_INTERVIEW = "INVESTIGATION_INTERVIEW"
    PRIOR_VIOLATION = "PRIOR_VIOLATION"

    @property
    def rule(self) -> Rule:
        """Return the rule this reason cites."""
        return RULE_OF[self]


class Condition(StrEnum):
    """A condition the client is told when recording is allowed."""

    AUDIO_ONLY = "audio_only"
    HOME_CIRCLE_ONLY = "home_circle_only"

    @property
    def rule(self) -> Rule:
        """Return the rule this condition cites."""
        return RULE_OF[self]


class Missing(StrEnum):
    """An answer still needed before a decision can be final."""

    CLIENT_INFORMED = "client_informed"
    CLIENT_ACCEPTS_RULES = "client_accepts_rules"
    MEDIATOR = "mediator"
    OTHER_PARTY = "other_party"
    UWV_REASON = "uwv_reason"
    PARTICIPANTS_TOLD_UWV_RECORDS = "participants_told_uwv_records"


PARTICIPANT_PREFIX: Final = "participant:"

# A code keeps the rule it cites for good; a version citing another rule adds a
# new code instead, so that the UI shows past decisions with their own rule text.
RULE_OF: Final[Mapping[Reason | Condition, Rule]] = MappingProxyType(
    {
        Reason.VIDEO_NOT_ALLOWED: Rule.R1,
        Reason.RULES_NOT_ACCEPTED: Rule.R3,
        Reason.THIRD_PARTY_NO_CONSENT: Rule.R5,
        Reason.MEDIATION_NO_CONSENT: Rule.R6,
        Reason.INVESTIGATION_INTERVIEW: Rule.R7,
        Reason.PRIOR_VIOLATION: Rule.R8,
        Condition.AUDIO_ONLY: Rule.R1,
        Condition.HOME_CIRCLE_ONLY: Rule.R4,
    }
)


def participant_missing(participant_id: str) -> str:
    """Return the missing-code asking for one participant's consent."""
    return f"{PARTICIPANT_PREFIX}{participant_id}"


@dataclass(frozen=True, slots=True)
class ParticipantFacts:
    """Someone taking part besides the client and the employee."""

    id: str
    role: ParticipantRole
    consents: bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """Hold everything known about one conversation when the decision is made.

    ``None`` means "not asked or not answered yet". ``client_has_prior_violation``
    is true only for a violation confirmed by a team lead and not withdrawn
    *(interpretation)*: a refused or withdrawn report does not count for R8, and a
    confirmed one does not expire under the 2017 policy.
    """

    date: datetime.date
    channel: Channel
    kind: Kind = Kind.REGULAR
    client_wants_to_record: bool
    media: Media = Media.AUDIO
    client_informed: bool | None = None
    client_accepts_rules: bool | None = None
    client_has_prior_violation: bool = False
    participants: tuple[ParticipantFacts, ...] = ()
    uwv_records: bool = False
    uwv_reason: str | None = None
    participants_told_uwv_records: bool | None = None

    def __post_init__(self) -> None:
        """Refuse two participants with one id: their missing-codes would clash."""
        seen: set[str] = set()
        for participant in self.participants:
            if participant.id in seen:
                raise ValueError(f"duplicate participant id {participant.id!r}")
            seen.add(participant.id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ruling:
    """Hold the outcome for the client's recording and for UWV's own (R9)."""

    policy_version: str
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    missing: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    uwv_recording: UwvRecording = UwvRecording.NONE
    uwv_missing: tuple[str, ...] = ()

    @property
    def reason_rules(self) -> tuple[Rule, ...]:
        """Return the rule each reason cites, in the order of the reasons."""
        return tuple(RULE_OF[reason] for reason in self.reasons)

    @property
    def condition_rules(self) -> tuple[Rule, ...]:
        """Return the rule each condition cites, in the order of the conditions."""
        return tuple(RULE_OF[condition] for condition in self.conditions)


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """Name one version of the policy, the day it took effect, and its decide()."""

    version: str
    in_force_from: datetime.date
    decide: Callable[[Facts], Ruling] = field(repr=False)
