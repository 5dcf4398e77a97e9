"""What the conversation services refuse, named for what it is.

Every refusal is a ``ConversationError``: a ``ValidationError`` with a Dutch
message and a ``code``, which the audit trail records for a failed attempt and a
view shows on its form or as a message. A view catches the narrowest of these it
handles; ``PermissionDenied`` is not among them (a 403 for whoever may not act).

- ``ClientNotFoundError``: nobody has the BSN, and no name was given to register one.
- ``BsnInTextError``: free text (a name, a place, a reason) holds a number that
  could be a BSN.
- ``ScheduleError``: the date or place does not work (``conversations.schedule``),
  or no recording policy was in force on the conversation's date.
- ``ConversationStatusError``: the conversation is not in the state this needs
  (not planned any more, not decided yet); ``ConversationClosedError`` when it is
  cancelled or held, so nothing about it changes any more.
- ``ParticipantError``: the participant is unknown, or a decision names them.
- ``ChecklistError``: the checklist cannot take the answer: ``StepNotReachableError``
  for a question not on the path now, ``InvalidAnswerError`` for an answer the
  question refuses, ``ChecklistIncompleteError`` for a decision asked too soon.
- ``DecisionConflictError``: someone else (or another tab) recorded the decision
  first, or the answers changed since they were shown.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ConversationError(ValidationError):
    """A change the conversation services refuse, with a Dutch message and a code."""


class ClientNotFoundError(ConversationError):
    """No client has this BSN, and no name was given to register one."""


class BsnInTextError(ConversationError):
    """Free text holds a number that could be a BSN (code ``bsn_in_text``)."""


class ScheduleError(ConversationError):
    """The date or the place does not work, or no policy was in force on the date."""


class ConversationStatusError(ConversationError):
    """The conversation is not in the state this change needs."""


class ConversationClosedError(ConversationStatusError):
    """The conversation is cancelled or held: nothing about it changes any more
    (and a decision is recorded only while the checklist runs)."""


class ParticipantError(ConversationError):
    """The participant is unknown, or a recorded decision names them."""


class ChecklistError(ConversationError):
    """An answer or a decision the checklist cannot take now."""


class StepNotReachableError(ChecklistError):
    """The question is not on the checklist's path now (or is the outcome)."""


class InvalidAnswerError(ChecklistError):
    """The question refuses this answer (incomplete, stale or not confirmed)."""


class ChecklistIncompleteError(ChecklistError):
    """A decision was asked for before every question was answered."""


class DecisionConflictError(ConversationError):
    """Someone else (or another tab) recorded the decision first, or the answers
    changed since they were shown."""
