"""Decide under policy version 2017-01, in force from 1 January 2017.

Source: the UWV announcement of 19 October 2016, as docs/policy.md turns it into
rules R1-R9. This module is frozen once released: a later version is a new module
beside it, so that every past decision can be reproduced exactly.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Final

from rules.engine.model import (
    Condition,
    Facts,
    Kind,
    Media,
    Missing,
    Outcome,
    ParticipantFacts,
    ParticipantRole,
    Policy,
    Reason,
    Ruling,
    UwvRecording,
    participant_missing,
)

VERSION: Final = "2017-01"
IN_FORCE_FROM: Final = datetime.date(2017, 1, 1)

_MEDIATION_ROLES: Final = frozenset(
    {ParticipantRole.MEDIATOR, ParticipantRole.OTHER_PARTY}
)
_CONDITIONS: Final = (Condition.AUDIO_ONLY, Condition.HOME_CIRCLE_ONLY)  # R1, R4


def decide(facts: Facts) -> Ruling:
    """Decide on the client's recording and on UWV's own, in policy.md's order."""
    uwv_recording, uwv_missing = _uwv_recording(facts)
    outcome, reasons, missing, conditions = _client_recording(facts)
    return Ruling(
        policy_version=VERSION,
        outcome=outcome,
        reasons=reasons,
        missing=missing,
        conditions=conditions,
        uwv_recording=uwv_recording,
        uwv_missing=uwv_missing,
    )


_ClientAnswer = tuple[
    Outcome, tuple[Reason, ...], tuple[str, ...], tuple[Condition, ...]
]


def _client_recording(facts: Facts) -> _ClientAnswer:
    """Return outcome, reasons, missing and conditions for the client's recording."""
    # R2: nothing about the client's recording is asked unless the client wants one.
    if not facts.client_wants_to_record:
        return Outcome.NOT_REQUESTED, (), (), ()
    # A decisive "no" is given at once; it does not wait for answers still missing.
    if reasons := blocking_reasons(facts):
        return Outcome.NOT_ALLOWED, reasons, (), ()
    if missing := missing_answers(facts):
        return Outcome.INCOMPLETE, (), missing, ()
    return Outcome.ALLOWED, (), (), _CONDITIONS


# --- who must consent ---


def needs_consent(participant: ParticipantFacts) -> bool:
    """Tell whether a participant's consent is asked (a third person, R5/R6).

    *(interpretation)* A UWV colleague is not a third person and needs no
    consent: the policy gives employees no veto. Representatives and interpreters
    are third persons.
    """
    return participant.role is not ParticipantRole.UWV_COLLEAGUE


def is_mediation_party(facts: Facts, participant: ParticipantFacts) -> bool:
    """Tell whether R6 rather than R5 governs this participant's consent.

    Outside a mediation, a mediator or other party is an ordinary third person.
    """
    return facts.kind is Kind.MEDIATION and participant.role in _MEDIATION_ROLES


def _refuses(participant: ParticipantFacts) -> bool:
    return needs_consent(participant) and participant.consents is False


# --- blocking reasons, in the order policy.md lists them ---


def _video(facts: Facts) -> bool:
    """R1: video or image recording is never allowed."""
    return facts.media is Media.VIDEO


def _rules_not_accepted(facts: Facts) -> bool:
    """R3: a client who does not agree with the rules may not record."""
    return facts.client_accepts_rules is False


def _third_party_refuses(facts: Facts) -> bool:
    """R5: a third person refuses, other than a mediator or other party (R6)."""
    return any(
        _refuses(p) and not is_mediation_party(facts, p) for p in facts.participants
    )


def _mediation_party_refuses(facts: Facts) -> bool:
    """R6: in a mediation, the mediator or an other party refuses."""
    return any(_refuses(p) and is_mediation_party(facts, p) for p in facts.participants)


def _investigation_interview(facts: Facts) -> bool:
    """R7: never during an interview by an investigating officer."""
    return facts.kind is Kind.INVESTIGATION_INTERVIEW


def _prior_violation(facts: Facts) -> bool:
    """R8: not when the client earlier did not keep to the rules."""
    return facts.client_has_prior_violation


_BLOCKING_CHECKS: Final[tuple[tuple[Reason, Callable[[Facts], bool]], ...]] = (
    (Reason.VIDEO_NOT_ALLOWED, _video),
    (Reason.RULES_NOT_ACCEPTED, _rules_not_accepted),
    (Reason.THIRD_PARTY_NO_CONSENT, _third_party_refuses),
    (Reason.MEDIATION_NO_CONSENT, _mediation_party_refuses),
    (Reason.INVESTIGATION_INTERVIEW, _investigation_interview),
    (Reason.PRIOR_VIOLATION, _prior_violation),
)


def blocking_reasons(facts: Facts) -> tuple[Reason, ...]:
    """Return every blocking reason the known facts establish, in listed order."""
    return tuple(reason for reason, applies in _BLOCKING_CHECKS if applies(facts))


# --- missing answers, in the order policy.md lists them ---


def missing_answers(facts: Facts) -> tuple[str, ...]:
    """Return the answers still needed, in listed order."""
    return (
        *_missing_client_answers(facts),
        *_missing_mediation_roles(facts),
        *_missing_consents(facts),
    )


def _missing_client_answers(facts: Facts) -> tuple[Missing, ...]:
    """R3: the client is informed (confirmed true) and says whether they agree."""
    missing: list[Missing] = []
    if facts.client_informed is not True:
        missing.append(Missing.CLIENT_INFORMED)
    if facts.client_accepts_rules is None:
        missing.append(Missing.CLIENT_ACCEPTS_RULES)
    return tuple(missing)


def _missing_mediation_roles(facts: Facts) -> tuple[Missing, ...]:
    """R6: a mediation needs a mediator and an other party among the participants."""
    if facts.kind is not Kind.MEDIATION:
        return ()
    roles = {participant.role for participant in facts.participants}
    missing: list[Missing] = []
    if ParticipantRole.MEDIATOR not in roles:
        missing.append(Missing.MEDIATOR)
    if ParticipantRole.OTHER_PARTY not in roles:
        missing.append(Missing.OTHER_PARTY)
    return tuple(missing)


def _missing_consents(facts: Facts) -> tuple[str, ...]:
    """R5/R6: ask each third person whose consent is unknown, in the given order.

    In a mediation, the mediator and the other parties are asked the same way: a
    present mediator with unknown consent is ``participant:<id>``; ``mediator``
    means that no mediator takes part yet.
    """
    return tuple(
        participant_missing(p.id)
        for p in facts.participants
        if needs_consent(p) and p.consents is None
    )


# --- UWV's own recording ---


def _uwv_recording(facts: Facts) -> tuple[UwvRecording, tuple[str, ...]]:
    """R9: UWV records only with a written reason, and everyone taking part told.

    Decided beside the client's recording, whatever the client's outcome.
    """
    if not facts.uwv_records:
        return UwvRecording.NONE, ()
    missing: list[str] = []
    if facts.uwv_reason is None or not facts.uwv_reason.strip():
        missing.append(Missing.UWV_REASON)
    if facts.participants_told_uwv_records is not True:
        missing.append(Missing.PARTICIPANTS_TOLD_UWV_RECORDS)
    if missing:
        return UwvRecording.INCOMPLETE, tuple(missing)
    return UwvRecording.PLANNED, ()


POLICY: Final = Policy(version=VERSION, in_force_from=IN_FORCE_FROM, decide=decide)
