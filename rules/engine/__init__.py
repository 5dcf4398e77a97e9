"""Decide whether a client may record a conversation with UWV, and on what terms.

Pure Python, standard library only: no Django, no settings, no clock. The caller
gathers the facts (including the conversation's date) and gets a decision back.
"""

from rules.engine.model import (
    PARTICIPANT_PREFIX,
    RULE_OF,
    Channel,
    Condition,
    Decision,
    Facts,
    Kind,
    Media,
    Missing,
    Outcome,
    Participant,
    Policy,
    Reason,
    Role,
    Rule,
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
    "Decision",
    "Facts",
    "Kind",
    "Media",
    "Missing",
    "Outcome",
    "Participant",
    "Policy",
    "PolicyNotInForce",
    "Reason",
    "Role",
    "Rule",
    "UwvRecording",
    "evaluate",
    "participant_missing",
    "policy_for",
]
