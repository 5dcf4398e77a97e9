"""Appointments and phone calls: register, reschedule, cancel, view, conclude."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.catalogue import Action
from audit.payloads import (
    CONVERSATION_CANCELLED,
    CONVERSATION_CONCLUDED,
    CONVERSATION_REGISTERED,
    CONVERSATION_RESCHEDULED,
    CONVERSATION_VIEWED,
    Catalogued,
    Event,
    Refused,
)
from audit.services.record import audit_record
from conversations.errors import ConversationStatusError
from conversations.models import Client, Conversation
from conversations.services.clients import client_find_or_register
from conversations.services.common import (
    check_may_run,
    check_no_bsn,
    check_open,
    check_place,
    check_schedulable,
    failures_recorded,
    locked,
)
from rules.engine import Channel


def _record(
    actor: User,
    event: Event,
    conversation: Conversation,
    changes: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        event=event,
        obj=conversation,
        client_ref=conversation.client.client_ref,
        changes=changes,
    )


def _check_when(
    actor: User,
    binding: Catalogued[Refused],
    scheduled_at: datetime.datetime,
    channel: str,
    place: str,
    conversation: Conversation | None = None,
) -> None:
    """Refuse (and record) a date out of range, a place that does not fit the
    channel (a room on the phone, none at the office), or a BSN in the place."""
    with failures_recorded(actor, binding.coded, conversation=conversation):
        check_schedulable(scheduled_at)
        check_no_bsn(place)
        check_place(channel, place)


def conversation_register(
    *,
    actor: User,
    client: Client,
    channel: str,
    kind: str,
    scheduled_at: datetime.datetime,
    place: str = "",
    kind_confirmed: bool = False,
) -> Conversation:
    """Plan a conversation with ``client`` for the actor's team.

    ``kind_confirmed``: the kind was asked just now (a phone call starting), so
    the checklist does not ask it again. Raises ScheduleError for a date out of
    range (``conversations.schedule``) or a place that does not fit the channel,
    BsnInTextError for a BSN in the place. A moment in the past is taken: the
    form asks the employee to confirm it first.
    """
    team_id = check_may_run(actor, Action.CONVERSATION_REGISTERED)
    _check_when(actor, CONVERSATION_REGISTERED, scheduled_at, channel, place)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            client=client,
            employee=actor,
            team_id=team_id,
            channel=channel,
            kind=kind,
            scheduled_at=scheduled_at,
            place=place.strip(),
            kind_confirmed=kind_confirmed,
        )
        _record(
            actor,
            CONVERSATION_REGISTERED(
                {
                    "channel": channel,
                    "kind": kind,
                    "scheduled_at": scheduled_at.isoformat(),
                    "kind_confirmed": kind_confirmed,
                }
            ),
            conversation,
        )
    return conversation


def conversation_start_call(
    *, actor: User, bsn: str, display_name: str, kind: str, at: datetime.datetime
) -> Conversation:
    """Find (or register) the client on the line and open a phone call now.

    The kind was asked on the same form a moment ago: it counts as the
    checklist's first answer, which is not asked twice.
    """
    check_may_run(actor, Action.CONVERSATION_REGISTERED)
    client = client_find_or_register(actor=actor, bsn=bsn, display_name=display_name)
    return conversation_register(
        actor=actor,
        client=client,
        channel=Channel.PHONE,
        kind=kind,
        scheduled_at=at,
        kind_confirmed=True,
    )


def conversation_reschedule(
    *,
    actor: User,
    conversation: Conversation,
    scheduled_at: datetime.datetime,
    place: str,
) -> Conversation:
    """Move a planned conversation to another time or place.

    Raises ConversationStatusError for a conversation no longer planned,
    ScheduleError for a date out of range or a place that does not fit its
    channel, BsnInTextError for a BSN in the place.
    """
    check_may_run(actor, Action.CONVERSATION_RESCHEDULED, conversation)
    _check_when(
        actor,
        CONVERSATION_RESCHEDULED,
        scheduled_at,
        conversation.channel,
        place,
        conversation,
    )
    with transaction.atomic():
        conversation = locked(conversation)
        if conversation.status != Conversation.Status.PLANNED:
            raise ConversationStatusError(
                _(
                    "Alleen een gesprek waarvoor de checklist nog niet begon, kan "
                    "worden verzet."
                ),
                code="not_planned",
            )
        changes = {
            "scheduled_at": {
                "before": conversation.scheduled_at.isoformat(),
                "after": scheduled_at.isoformat(),
            },
            "place": {"before": conversation.place, "after": place.strip()},
        }
        conversation.scheduled_at, conversation.place = scheduled_at, place.strip()
        conversation.save(update_fields=["scheduled_at", "place"])
        _record(actor, CONVERSATION_RESCHEDULED(), conversation, changes=changes)
    return conversation


def conversation_cancel(*, actor: User, conversation: Conversation) -> Conversation:
    """Cancel a conversation that has not been held; its decisions stay."""
    check_may_run(actor, Action.CONVERSATION_CANCELLED, conversation)
    with transaction.atomic():
        conversation = locked(conversation)
        check_open(conversation)
        before = conversation.status
        conversation.status = Conversation.Status.CANCELLED
        conversation.save(update_fields=["status"])
        _record(
            actor,
            CONVERSATION_CANCELLED(),
            conversation,
            changes={"status": {"before": before, "after": conversation.status}},
        )
    return conversation


def conversation_conclude(
    *,
    actor: User,
    conversation: Conversation,
    client_recorded: bool,
    uwv_recorded: bool,
) -> Conversation:
    """Record what happened in a conversation that had a decision: it was held."""
    check_may_run(actor, Action.CONVERSATION_CONCLUDED, conversation)
    with transaction.atomic():
        conversation = locked(conversation)
        if conversation.status != Conversation.Status.DECIDED:
            raise ConversationStatusError(
                _(
                    "Leg eerst het besluit vast; daarna kunt u vastleggen wat er "
                    "gebeurde."
                ),
                code="not_decided",
            )
        conversation.client_recorded = client_recorded
        conversation.uwv_recorded = uwv_recorded
        conversation.status = Conversation.Status.HELD
        conversation.save(update_fields=["client_recorded", "uwv_recorded", "status"])
        _record(
            actor,
            CONVERSATION_CONCLUDED(
                {"client_recorded": client_recorded, "uwv_recorded": uwv_recorded}
            ),
            conversation,
        )
    return conversation


def conversation_view_record(*, actor: User, conversation: Conversation) -> None:
    """Record that ``actor`` looked at this conversation and its client.

    A view changes nothing, so the event is a single INSERT, committed on its own.
    """
    _record(actor, CONVERSATION_VIEWED(), conversation)
