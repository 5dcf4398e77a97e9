"""What the conversation services share: the permission check and locking."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.catalogue import Action, Result
from audit.payloads import Event
from audit.services.record import audit_record_refusal
from conversations.access import may_run_checklist
from conversations.errors import (
    BsnInTextError,
    ConversationClosedError,
    ConversationError,
    ScheduleError,
)
from conversations.models import Conversation
from conversations.schedule import date_problem, place_problem
from conversations.selectors import (
    conversation_date,
    conversation_has_policy,
    with_checklist_facts,
)
from uwvrec.personal_data import BSN_IN_TEXT_MESSAGE, bsn_in_text

OPEN_STATUSES = (
    Conversation.Status.PLANNED,
    Conversation.Status.IN_CHECKLIST,
    Conversation.Status.DECIDED,
)


def refuse(
    actor: User,
    event: Event,
    *,
    conversation: Conversation | None = None,
    result: Result = Result.DENIED,
) -> None:
    """Record a refused or failed attempt, in a transaction of its own."""
    target: dict[str, Any] = {"object_type": "conversations.conversation"}
    if conversation is not None:
        target = {"obj": conversation, "client_ref": conversation.client.client_ref}
    audit_record_refusal(actor=actor, event=event, result=result, **target)


@contextmanager
def failures_recorded(
    actor: User,
    coded: Callable[[str], Event],
    *,
    conversation: Conversation | None = None,
) -> Iterator[None]:
    """Record a ConversationError raised in the block as a failed attempt; re-raise it.

    ``coded`` makes the attempt's event of the error's code (``X.coded``). Put it
    around the block's transaction: the attempt is recorded after that rolled
    back, in a transaction of its own.
    """
    try:
        yield
    except ConversationError as error:
        event = coded(error.code or "")
        refuse(actor, event, conversation=conversation, result=Result.FAILED)
        raise


def check_may_run(
    actor: User, action: Action, conversation: Conversation | None = None
) -> int:
    """Return the actor's team (id); raise PermissionDenied (and record it) unless
    ``actor`` may do ``action``."""
    # A team: may_run_checklist asks for one; said again for the type checker.
    if not may_run_checklist(actor, conversation) or actor.team_id is None:
        refuse(actor, Event(action), conversation=conversation)
        raise PermissionDenied(
            _("Alleen een medewerker van het team kan dit gesprek voorbereiden.")
        )
    return actor.team_id


def locked(conversation: Conversation) -> Conversation:
    """Return the conversation again, locked until the transaction ends.

    The lock is taken in a statement of its own: a statement that waited for a
    lock sees the rows it joins as they were when it started. So the conversation,
    its client (with the client's flag, R8) and its participants are read in the
    next statements, after the lock was granted, as they are now.
    """
    rows = Conversation.objects.filter(pk=conversation.pk)
    rows.select_for_update().values_list("pk", flat=True).get()
    return with_checklist_facts(rows).get()


def check_open(conversation: Conversation) -> None:
    if conversation.status not in OPEN_STATUSES:
        raise ConversationClosedError(
            _("Dit gesprek is %(status)s: er kan niets meer aan veranderen.")
            % {"status": conversation.get_status_display()},
            code="closed",
        )


def check_schedulable(scheduled_at: datetime.datetime) -> None:
    """Raise ScheduleError unless a conversation may be planned at that moment.

    Every writer passes here (the pages, the demo, a task, the shell), so no date
    without a policy, and none that PostgreSQL or Python cannot read back, is stored.
    """
    today = timezone.localdate()
    if problem := date_problem(conversation_date(scheduled_at), today=today):
        raise ScheduleError(problem, code="date_out_of_range")


def check_place(channel: str, place: str) -> None:
    """Raise ScheduleError when the place does not fit the channel."""
    if problem := place_problem(channel, place):
        code, message = problem
        raise ScheduleError(message, code=code)


def check_no_bsn(text: str) -> None:
    """Raise BsnInTextError when free text holds a number that could be a BSN."""
    if bsn_in_text(text):
        raise BsnInTextError(BSN_IN_TEXT_MESSAGE, code="bsn_in_text")


def check_policy(conversation: Conversation) -> None:
    """Raise ScheduleError when no recording policy is in force on its date."""
    if not conversation_has_policy(conversation):
        raise ScheduleError(
            _(
                "Op de datum van dit gesprek golden nog geen spelregels voor "
                "opnemen. Verzet de afspraak naar de juiste datum, of annuleer het "
                "gesprek en maak een nieuwe afspraak."
            ),
            code="no_policy",
        )
