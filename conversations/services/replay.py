"""Decide every stored decision again, under its own policy version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from audit.catalogue import Result
from audit.payloads import DECISIONS_REPLAYED
from audit.services.record import audit_record
from conversations.models import Decision
from rules.engine import POLICIES
from rules.engine.contract import ContractError, decision_to_json, parse_request

# What a stored decision holds of the engine's answer, field by field.
COMPARED = (
    "policy_version",
    "outcome",
    "reasons",
    "missing",
    "conditions",
    "uwv_recording",
    "uwv_missing",
)


@dataclass(frozen=True)
class Difference:
    decision_id: int
    conversation_id: int
    stored: dict[str, Any]
    replayed: dict[str, Any]


@dataclass
class ReplayResult:
    checked: int = 0
    differing: list[Difference] = field(default_factory=list)


def stored_answer(decision: Decision) -> dict[str, Any]:
    return {name: getattr(decision, name) for name in COMPARED}


def replayed_answer(decision: Decision) -> dict[str, Any]:
    """Return the engine's answer to the stored facts, under the stored version."""
    policy = POLICIES.get(decision.policy_version)
    if policy is None:
        return {"error": f"unknown policy version {decision.policy_version}"}
    try:
        facts = parse_request(decision.facts, today=policy.in_force_from).facts
    except ContractError as error:
        return {"error": error.message, "path": error.path}
    answer = decision_to_json(policy.decide(facts))
    return {name: answer[name] for name in COMPARED}


def decisions_replay(*, chunk_size: int = 2000) -> ReplayResult:
    """Replay every decision; the run is recorded in the audit trail."""
    result = ReplayResult()
    with transaction.atomic():
        decisions = Decision.objects.order_by("pk").iterator(chunk_size=chunk_size)
        for decision in decisions:
            result.checked += 1
            stored, replayed = stored_answer(decision), replayed_answer(decision)
            if stored != replayed:
                result.differing.append(
                    Difference(decision.pk, decision.conversation_id, stored, replayed)
                )
    with transaction.atomic():
        audit_record(
            actor=None,
            event=DECISIONS_REPLAYED(
                {
                    "checked": result.checked,
                    "differing": [d.decision_id for d in result.differing],
                }
            ),
            object_type="conversations.decision",
            result=Result.FAILED if result.differing else Result.SUCCESS,
        )
    return result
