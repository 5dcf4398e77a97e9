"""The writes of the conversations app: each checks the actor, writes, and audits."""

from conversations.services.checklist import checklist_answer
from conversations.services.clients import (
    client_find,
    client_find_or_register,
    client_keys_rotate,
    client_lookup,
)
from conversations.services.conversations import (
    conversation_cancel,
    conversation_conclude,
    conversation_register,
    conversation_reschedule,
    conversation_start_call,
    conversation_view_record,
)
from conversations.services.decisions import decision_record
from conversations.services.flags import client_flag_shown, flag_view_record
from conversations.services.participants import participant_add, participant_remove

__all__ = [
    "checklist_answer",
    "client_find",
    "client_find_or_register",
    "client_flag_shown",
    "client_keys_rotate",
    "client_lookup",
    "conversation_cancel",
    "conversation_conclude",
    "conversation_register",
    "conversation_reschedule",
    "conversation_start_call",
    "conversation_view_record",
    "decision_record",
    "flag_view_record",
    "participant_add",
    "participant_remove",
]
