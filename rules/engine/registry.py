"""Choose the policy version in force on a conversation's date, and decide with it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from rules.engine import v2017_01
from rules.engine.model import Facts, Policy, Ruling


class PolicyNotInForce(ValueError):  # noqa: N818 - the name the callers use
    """Raised for a date before the first policy version took effect."""

    def __init__(self, date: datetime.date) -> None:
        """Keep the date; the message is the one the contract reports."""
        super().__init__("no recording policy in force on that date")
        self.date = date


# Oldest first. A new version is one more entry and one more module; the entries
# before it are never edited, so old decisions stay reproducible.
POLICIES: Final[Mapping[str, Policy]] = MappingProxyType(
    {policy.version: policy for policy in (v2017_01.POLICY,)}
)


def policy_for(date: datetime.date) -> Policy:
    """Return the policy version in force on ``date``.

    Raises PolicyNotInForce rather than guessing for a date before the first one.
    """
    in_force = [p for p in POLICIES.values() if p.in_force_from <= date]
    if not in_force:
        raise PolicyNotInForce(date)
    return max(in_force, key=lambda policy: policy.in_force_from)


def evaluate(facts: Facts) -> Ruling:
    """Decide under the policy version in force on the conversation's date.

    *(interpretation)* When a third person joins during the conversation, the
    caller evaluates again with that person among the participants; the new
    decision supersedes the old one from that moment, and the old one is kept.
    """
    return policy_for(facts.date).decide(facts)
