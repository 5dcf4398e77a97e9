"""Decide whether a client may record a conversation with UWV, and on what terms.

Pure Python, standard library only: no Django, no settings, no clock. The caller
gathers the facts (including the conversation's date) and gets a decision back.
"""

from rules.engine.model import (
    PARTICIPANT_PREFIX,
    RULE_OF,
    Channel,
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
    Rule,
    Ruling,
    UwvRecording,
    participant_missing,
)
from rules.engine.registry import POLICIES, PolicyNotInForce, evaluate, policy_for

__all__ = [
    "PARTICIPANT_PREFIX",
    "POLICIES",
    "RULE_OF",
    "Channel",
    "Condition",
    "Facts",
    "Kind",
    "Media",
    "Missing",
    "Outcome",
    "ParticipantFacts",
    "ParticipantRole",
    "Policy",
    "PolicyNotInForce",
    "Reason",
    "Rule",
    "Ruling",
    "UwvRecording",
    "evaluate",
    "participant_missing",
    "policy_for",
]
