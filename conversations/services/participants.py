"""Who takes part: added before the checklist, or joining during the conversation."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.catalogue import Action
from audit.payloads import PARTICIPANT_ADDED, PARTICIPANT_REMOVED
from audit.services.record import audit_record
from conversations.errors import ParticipantError
from conversations.models import Conversation, Participant
from conversations.services.common import (
    check_may_run,
    check_no_bsn,
    check_open,
    failures_recorded,
    locked,
)
from rules.engine import ParticipantRole


def participant_add(
    *,
    actor: User,
    conversation: Conversation,
    name: str,
    role: str,
    at: datetime.datetime,
) -> Participant:
    """Add someone who takes part.

    After a decision this is someone joining during the conversation: they are
    marked as joined now, the checklist opens again for what their joining asks
    (their consent, telling them UWV records), and the next decision supersedes
    the last one from that moment. Raises BsnInTextError for a BSN in the name,
    ConversationClosedError for a conversation cancelled or held.
    """
    check_may_run(actor, Action.PARTICIPANT_ADDED, conversation)
    with failures_recorded(actor, PARTICIPANT_ADDED.coded, conversation=conversation):
        check_no_bsn(name)
    with transaction.atomic():
        conversation = locked(conversation)
        check_open(conversation)
        joins = conversation.status == Conversation.Status.DECIDED
        participant = Participant.objects.create(
            conversation=conversation,
            name=name.strip(),
            role=ParticipantRole(role).value,
            joined_at=at if joins else None,
        )
        _reopen(conversation, joins)
        audit_record(
            actor=actor,
            event=PARTICIPANT_ADDED(
                {
                    "conversation": conversation.pk,
                    "role": participant.role,
                    "joined_during_conversation": joins,
                }
            ),
            obj=participant,
            client_ref=conversation.client.client_ref,
        )
    return participant


def _reopen(conversation: Conversation, joins: bool) -> None:
    conversation.answers_version += 1
    if joins:
        conversation.status = Conversation.Status.IN_CHECKLIST
        if conversation.uwv_records:
            # The newcomer must be told too that UWV records (R9).
            conversation.participants_told_uwv_records = None
    conversation.save()


def participant_remove(
    *, actor: User, conversation: Conversation, participant_id: int
) -> None:
    """Remove someone added by mistake, as long as no decision names them."""
    check_may_run(actor, Action.PARTICIPANT_REMOVED, conversation)
    with transaction.atomic():
        conversation = locked(conversation)
        check_open(conversation)
        participant = conversation.participants.filter(pk=participant_id).first()
        if participant is None:
            raise ParticipantError(_("Deze deelnemer bestaat niet."), code="unknown")
        if conversation.decisions.exists():
            raise ParticipantError(
                _(
                    "Er is al een besluit vastgelegd met deze deelnemer erin; "
                    "wie meedeed, blijft erin staan."
                ),
                code="decided",
            )
        participant.delete()
        conversation.answers_version += 1
        conversation.save(update_fields=["answers_version"])
        audit_record(
            actor=actor,
            event=PARTICIPANT_REMOVED(
                {"conversation": conversation.pk, "role": participant.role}
            ),
            object_type="conversations.participant",
            object_id=str(participant_id),
            client_ref=conversation.client.client_ref,
        )
