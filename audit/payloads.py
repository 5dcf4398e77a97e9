"""The payload (``data``) of every catalogued action, as types mypy checks.

Each action of ``audit.catalogue`` is bound here to the type of its payload and
to the type of the payload of a refusal (``Refused``: ``code`` when the service
names one). ``audit_record`` takes the ``Event`` such a binding makes, so a call
with a key the action does not have, or without one it must have, is a type
error::

    audit_record(actor=actor, event=DECISION_RECORDED({...}), obj=decision)
    audit_record_refusal(actor=actor, event=DECISION_RECORDED.refused({"code": c}))

``docs/audit-events.md`` lists the same fields per action (a test keeps the two
in step). Pure: no database, no settings.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Generic, NotRequired, Required, TypedDict, TypeVar

from audit.catalogue import Action

P = TypeVar("P", bound=Mapping[str, object])
R = TypeVar("R", bound=Mapping[str, object])


@dataclass(frozen=True)
class Event:
    """An action and its payload, as ``audit_record`` writes them.

    Made by the bindings below. Built directly only without a payload (a denial
    for want of permission, whatever the action) or where any payload may go
    (the tests of the screen that refuses a BSN in a payload).
    """

    action: Action
    data: Mapping[str, Any] = field(default_factory=dict)


class Catalogued(Generic[R]):
    """An action of the catalogue and the type of its refusal's payload."""

    def __init__(self, action: Action, refusal: type[R]) -> None:
        self.action, self.refusal = action, refusal

    def denied(self) -> Event:
        """Return the event of an attempt refused without a code: no payload."""
        return Event(self.action)

    def refused(self, data: R) -> Event:
        """Return the event of a refused or failed attempt, with its payload."""
        return Event(self.action, data)

    def coded(self: "Catalogued[Refused]", code: str) -> Event:
        """Return the event of an attempt refused for ``code``."""
        return self.refused({"code": code})


class Typed(Catalogued[R], Generic[P, R]):
    """An action that carries a payload of type ``P``."""

    def __init__(self, action: Action, payload: type[P], refusal: type[R]) -> None:
        super().__init__(action, refusal)
        self.payload = payload

    def __call__(self, data: P) -> Event:
        return Event(self.action, data)


class Bare(Catalogued[R]):
    """An action without a payload (what changed, if anything, is in ``changes``)."""

    payload = None

    def __call__(self) -> Event:
        return Event(self.action)


class Refused(TypedDict, total=False):
    """A refused or failed attempt: the service's code for it, when it has one."""

    code: str


class FiltersRefused(TypedDict):
    """Filters of the review refused: per field its error codes, never the text."""

    errors: dict[str, list[str]]


class LoginFailed(TypedDict, total=False):
    login_ref: str  # only when the text typed names no account


class LockedWhat(TypedDict, total=False):
    """What is locked: a username that names no account, or a client address."""

    login_ref: str
    ip_address: str


class LockoutLifted(LockedWhat):
    scope: Required[str]


class LockedOut(LockoutLifted):
    failures: Required[int]


class LoggedIn(TypedDict):
    method: str  # "password" or "sso"


class SsoRefused(TypedDict):
    code: str
    login_ref: NotRequired[str]  # the subject at the IdP, as a keyed hash


class IdpRolesApplied(TypedDict):
    created: bool
    roles_before: list[str]
    roles_after: list[str]
    team_before: str | None
    team_after: str | None


class DeviceKind(TypedDict):
    kind: str  # "totp" (an authenticator app), "recovery_codes" or "passkey"


class SecondFactorPassed(TypedDict):
    kind: str  # "totp", "recovery_code" or "passkey"
    remaining: NotRequired[int]  # recovery codes left after one was used


class SecondFactorFailed(TypedDict, total=False):
    # "wrong_code" or "throttled"; a passkey's "passkey_refused", "unknown_passkey"
    # or "malformed_answer"
    code: str
    failures: int


class AdminViewed(TypedDict):
    model: str
    count: NotRequired[int]  # a list shown: the rows on the page, and which page
    page: NotRequired[int]


class TrailViewed(TypedDict):
    filters: dict[str, Any]


class TrailExported(TypedDict):
    format: str
    filters: dict[str, Any]
    job: NotRequired[int]


class TrailVerified(TypedDict):
    checked: int
    head_seq: int
    pending: int
    anchors: int
    problem: str
    job: NotRequired[int]


class VerificationRequested(TypedDict):
    job: int


class PartitionFilled(TypedDict):
    """Written by the database function ``audit_make_partition``, not in Python."""

    month: str
    moved: int


class RuleTextRefused(TypedDict):
    policy_version: str
    language: str
    audience: str


class RuleTextPublished(RuleTextRefused):
    text_version: int


class ClientSearched(TypedDict):
    found: bool


class ClientKeysRotated(TypedDict):
    count: int


class ConversationRegistered(TypedDict):
    channel: str
    kind: str
    scheduled_at: str
    kind_confirmed: bool


class ConversationConcluded(TypedDict):
    client_recorded: bool
    uwv_recorded: bool


class ChecklistAnswer(TypedDict, total=False):
    """The answer of one step: which keys depends on the step."""

    kind: str
    wish: str
    participants: int
    rule_text: int
    language: str
    text_version: int
    accepts: bool
    participant: int
    role: str
    consents: bool
    uwv_records: bool
    reason_given: bool
    participants_told: bool


class ChecklistAnswered(ChecklistAnswer):
    step: str


class ChecklistAnswerRefused(TypedDict):
    step: str
    code: str


class ParticipantAdded(TypedDict):
    conversation: int
    role: str
    joined_during_conversation: bool


class ParticipantRemoved(TypedDict):
    conversation: int
    role: str


class DecisionRecorded(TypedDict):
    conversation: int
    sequence: int
    policy_version: str
    outcome: str
    reasons: list[str]
    conditions: list[str]
    uwv_recording: str
    rule_text: int | None
    rule_text_language: str
    supersedes: int | None


class DecisionsReplayed(TypedDict):
    checked: int
    differing: list[int]


class ViolationReported(TypedDict):
    conversation: int
    rule: str
    status: str


class ViolationDecided(TypedDict):
    rule: str
    status: str


class ViolationWithdrawn(ViolationDecided):
    client_flagged: bool


class ViolationViewed(TypedDict):
    status: str


class FlagViewed(TypedDict):
    report: int
    rule: str
    page: str


class LetterPrinted(TypedDict):
    language: str
    format: str


class NotificationAbandoned(TypedDict):
    kind: str
    attempts: int
    report: int


class RecordsRemoved(TypedDict):
    """One batch: per table, how many rows went and their first and last id."""

    kind: str
    removed: dict[str, list[int]]


class RetentionApplied(TypedDict):
    """A whole run: per kind, how many went (or, with ``dry_run``, would go)."""

    dry_run: bool
    removed: dict[str, int]
    complete: bool


class HoldPlaced(TypedDict):
    """A hold placed: until when (ISO date), or None for open-ended."""

    until: str | None


class HoldViewed(TypedDict):
    """A hold shown: on which page (its own, or the list), and its status."""

    page: str
    status: str


class HoldLifted(TypedDict):
    """A hold lifted: the auditor who asked (the actor agreed)."""

    requested_by: int


class ErasureRequested(TypedDict):
    """An erasure asked: in which role (``team_lead`` or ``auditor``)."""

    role: str


class ErasureViewed(TypedDict):
    """An erasure request shown: on which page, and its status."""

    page: str
    status: str


class AccessPrepared(TypedDict):
    """An access export written: how many of each it holds (no content)."""

    counts: dict[str, int]


class AccessViewed(TypedDict):
    """An access export shown: on which page, and its status."""

    page: str
    status: str


class ErasureDecided(TypedDict):
    """An erasure agreed to or declined: who asked (user id), in which role."""

    requested_by: int
    requested_role: str


class ErasureRefused(TypedDict):
    """An approved erasure the rules stopped: ``hold`` (with its id) or ``flagged``."""

    code: str
    hold: NotRequired[int]


class AccessDownloaded(TypedDict):
    """An access export's file downloaded: which (pdf, json)."""

    format: str


LOGGED_IN: Final = Typed(Action.LOGGED_IN, LoggedIn, Refused)
LOGGED_OUT: Final = Bare(Action.LOGGED_OUT, Refused)
LOGIN_FAILED: Final = Typed(Action.LOGIN_FAILED, LoginFailed, Refused)
LOCKED_OUT: Final = Typed(Action.LOCKED_OUT, LockedOut, Refused)
LOCKOUT_LIFTED: Final = Typed(Action.LOCKOUT_LIFTED, LockoutLifted, Refused)
SSO_REFUSED: Final = Bare(Action.SSO_REFUSED, SsoRefused)
IDP_ROLES_APPLIED: Final = Typed(Action.IDP_ROLES_APPLIED, IdpRolesApplied, Refused)
DEVICE_ADDED: Final = Typed(Action.DEVICE_ADDED, DeviceKind, Refused)
DEVICE_REMOVED: Final = Typed(Action.DEVICE_REMOVED, DeviceKind, Refused)
SECOND_FACTOR_PASSED: Final = Typed(
    Action.SECOND_FACTOR_PASSED, SecondFactorPassed, Refused
)
SECOND_FACTOR_FAILED: Final = Bare(Action.SECOND_FACTOR_FAILED, SecondFactorFailed)
ADMIN_ADDED: Final = Bare(Action.ADMIN_ADDED, Refused)
ADMIN_CHANGED: Final = Bare(Action.ADMIN_CHANGED, Refused)
ADMIN_DELETED: Final = Bare(Action.ADMIN_DELETED, Refused)
ADMIN_VIEWED: Final = Typed(Action.ADMIN_VIEWED, AdminViewed, Refused)
TRAIL_VIEWED: Final = Typed(Action.TRAIL_VIEWED, TrailViewed, FiltersRefused)
EVENT_VIEWED: Final = Bare(Action.EVENT_VIEWED, Refused)
TRAIL_EXPORTED: Final = Typed(Action.TRAIL_EXPORTED, TrailExported, FiltersRefused)
TRAIL_VERIFIED: Final = Typed(Action.TRAIL_VERIFIED, TrailVerified, Refused)
VERIFICATION_REQUESTED: Final = Typed(
    Action.VERIFICATION_REQUESTED, VerificationRequested, Refused
)
CHECKER_DOWNLOADED: Final = Bare(Action.CHECKER_DOWNLOADED, Refused)
PARTITION_FILLED: Final = Typed(Action.PARTITION_FILLED, PartitionFilled, Refused)
RULE_TEXT_PUBLISHED: Final = Typed(
    Action.RULE_TEXT_PUBLISHED, RuleTextPublished, RuleTextRefused
)
CLIENT_SEARCHED: Final = Typed(Action.CLIENT_SEARCHED, ClientSearched, Refused)
CLIENT_REGISTERED: Final = Bare(Action.CLIENT_REGISTERED, Refused)
CLIENT_KEYS_ROTATED: Final = Typed(
    Action.CLIENT_KEYS_ROTATED, ClientKeysRotated, Refused
)
CONVERSATION_REGISTERED: Final = Typed(
    Action.CONVERSATION_REGISTERED, ConversationRegistered, Refused
)
CONVERSATION_RESCHEDULED: Final = Bare(Action.CONVERSATION_RESCHEDULED, Refused)
CONVERSATION_CANCELLED: Final = Bare(Action.CONVERSATION_CANCELLED, Refused)
CONVERSATION_VIEWED: Final = Bare(Action.CONVERSATION_VIEWED, Refused)
CONVERSATION_CONCLUDED: Final = Typed(
    Action.CONVERSATION_CONCLUDED, ConversationConcluded, Refused
)
CHECKLIST_ANSWERED: Final = Typed(
    Action.CHECKLIST_ANSWERED, ChecklistAnswered, ChecklistAnswerRefused
)
PARTICIPANT_ADDED: Final = Typed(Action.PARTICIPANT_ADDED, ParticipantAdded, Refused)
PARTICIPANT_REMOVED: Final = Typed(
    Action.PARTICIPANT_REMOVED, ParticipantRemoved, Refused
)
DECISION_RECORDED: Final = Typed(Action.DECISION_RECORDED, DecisionRecorded, Refused)
DECISIONS_REPLAYED: Final = Typed(Action.DECISIONS_REPLAYED, DecisionsReplayed, Refused)
VIOLATION_REPORTED: Final = Typed(Action.VIOLATION_REPORTED, ViolationReported, Refused)
VIOLATION_CONFIRMED: Final = Typed(
    Action.VIOLATION_CONFIRMED, ViolationDecided, Refused
)
VIOLATION_DISMISSED: Final = Typed(
    Action.VIOLATION_DISMISSED, ViolationDecided, Refused
)
VIOLATION_WITHDRAWN: Final = Typed(
    Action.VIOLATION_WITHDRAWN, ViolationWithdrawn, Refused
)
VIOLATION_VIEWED: Final = Typed(Action.VIOLATION_VIEWED, ViolationViewed, Refused)
FLAG_VIEWED: Final = Typed(Action.FLAG_VIEWED, FlagViewed, Refused)
LETTER_PRINTED: Final = Typed(Action.LETTER_PRINTED, LetterPrinted, Refused)
NOTIFICATION_ABANDONED: Final = Typed(
    Action.NOTIFICATION_ABANDONED, NotificationAbandoned, Refused
)
RECORDS_REMOVED: Final = Typed(Action.RECORDS_REMOVED, RecordsRemoved, Refused)
RETENTION_APPLIED: Final = Typed(Action.RETENTION_APPLIED, RetentionApplied, Refused)
SCHEDULE_VIEWED: Final = Bare(Action.SCHEDULE_VIEWED, Refused)
HOLD_PLACED: Final = Typed(Action.HOLD_PLACED, HoldPlaced, Refused)
HOLD_VIEWED: Final = Typed(Action.HOLD_VIEWED, HoldViewed, Refused)
HOLD_LIFT_REQUESTED: Final = Bare(Action.HOLD_LIFT_REQUESTED, Refused)
HOLD_LIFTED: Final = Typed(Action.HOLD_LIFTED, HoldLifted, Refused)
ERASURE_REQUESTED: Final = Typed(Action.ERASURE_REQUESTED, ErasureRequested, Refused)
ERASURE_VIEWED: Final = Typed(Action.ERASURE_VIEWED, ErasureViewed, Refused)
ERASURE_APPROVED: Final = Typed(Action.ERASURE_APPROVED, ErasureDecided, Refused)
ERASURE_DECLINED: Final = Typed(Action.ERASURE_DECLINED, ErasureDecided, Refused)
ERASURE_REFUSED: Final = Typed(Action.ERASURE_REFUSED, ErasureRefused, Refused)
ACCESS_REQUESTED: Final = Bare(Action.ACCESS_REQUESTED, Refused)
ACCESS_PREPARED: Final = Typed(Action.ACCESS_PREPARED, AccessPrepared, Refused)
ACCESS_VIEWED: Final = Typed(Action.ACCESS_VIEWED, AccessViewed, Refused)
ACCESS_DOWNLOADED: Final = Typed(Action.ACCESS_DOWNLOADED, AccessDownloaded, Refused)

#: Every action's binding, by action (the test of docs/audit-events.md reads it).
BINDINGS: Final[dict[Action, Catalogued[Any]]] = {
    binding.action: binding
    for binding in globals().copy().values()
    if isinstance(binding, Catalogued)
}
