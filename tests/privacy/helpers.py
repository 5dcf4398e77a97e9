"""Records the privacy tests make through the services, as the pages do."""

from __future__ import annotations

import datetime as dt

import time_machine

from conversations.models import Conversation
from conversations.services import decision_record
from tests.conversations.helpers import walk_to_outcome
from tests.factories import ClientFactory, ConversationFactory


def decided_conversation(employee, moment: dt.datetime, client=None) -> Conversation:
    """A conversation held at ``moment`` with a third person and a decision."""
    with time_machine.travel(moment, tick=False):
        conversation = ConversationFactory(
            employee=employee, client=client or ClientFactory(), scheduled_at=moment
        )
        walk_to_outcome(
            employee, conversation, participants=[("Jan Derde", "third_person")]
        )
        conversation.refresh_from_db()
        decision_record(
            actor=employee,
            conversation=conversation,
            answers_version=conversation.answers_version,
        )
    return conversation
