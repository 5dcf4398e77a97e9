"""Placing, showing and lifting legal holds: the only writes of holds.

Every step is audited in its transaction; refusals after their rollback, in a
transaction of their own. Lifting takes two auditors: one asks, with a reason,
another agrees (``privacy.access.asked_to_lift_themselves``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.catalogue import Result
from audit.payloads import (
    HOLD_LIFT_REQUESTED,
    HOLD_LIFTED,
    HOLD_PLACED,
    HOLD_VIEWED,
    SCHEDULE_VIEWED,
    Catalogued,
)
from audit.services.record import audit_record, audit_record_many, audit_record_refusal
from conversations.models import Client
from conversations.services import client_lookup
from privacy.access import (
    asked_to_lift_themselves,
    hold_standing,
    may_manage_holds,
    may_view_schedule,
)
from privacy.models import LegalHold
from privacy.presentation import hold_status
from uwvrec.personal_data import BSN_IN_TEXT_MESSAGE, bsn_in_text

OBJECT_TYPE = "privacy.legalhold"
# The last day a hold may run to: further is a typing error (2099, 9999).
LATEST_UNTIL = dt.date(2100, 12, 31)


class HoldError(ValidationError):
    """A step on a hold the rules do not allow, with a Dutch message and a code."""


class FourEyesError(HoldError):
    """The auditor who asked to lift a hold tried to agree to it too."""


def refuse_unless_auditor(
    actor: User,
    action: Catalogued[Any],
    *,
    hold_id: object = "",
    object_type: str = OBJECT_TYPE,
    message: Any = None,
) -> None:
    """Raise PermissionDenied, and record it, unless ``actor`` is an auditor.

    ``object_type`` and ``message`` are the holds' unless another page says.
    """
    if may_manage_holds(actor):
        return
    audit_record_refusal(
        actor=actor,
        event=action.denied(),
        object_type=object_type,
        object_id=str(hold_id or ""),
    )
    raise PermissionDenied(
        message or _("Alleen een auditor kan bewaarplichten inzien en beheren.")
    )


@contextmanager
def _failures_recorded(
    actor: User, action: Catalogued[Any], hold: LegalHold | None = None
) -> Iterator[None]:
    """Record a HoldError raised in the block as a refused attempt; re-raise it."""
    try:
        yield
    except HoldError as error:
        target: dict[str, Any] = {"object_type": OBJECT_TYPE}
        if hold is not None:
            target = {"obj": hold, "client_ref": hold.client.client_ref}
        audit_record_refusal(
            actor=actor,
            event=action.refused({"code": error.code or ""}),
            result=Result.DENIED if isinstance(error, FourEyesError) else Result.FAILED,
            **target,
        )
        raise


def hold_place(
    *,
    actor: User,
    bsn: str,
    reason: str,
    case_reference: str,
    until: dt.date | None,
    at: dt.datetime,
) -> LegalHold:
    """Place a hold on the client with this (checked) BSN: nothing about them goes.

    ``until``: its last day (in Amsterdam), or None: until it is lifted. Raises
    HoldError (``not_found``, ``until_past``, ``reason_missing``, ...).
    """
    refuse_unless_auditor(actor, HOLD_PLACED)
    with _failures_recorded(actor, HOLD_PLACED):
        _check_text(reason, "reason_missing", _("Geef de reden van de bewaarplicht."))
        _check_text(case_reference, "case_missing", _("Vul het zaaknummer in."))
        check_until(until, timezone.localdate(at))
        client = _client_found(actor, bsn)
        with transaction.atomic():
            hold = LegalHold.objects.create(
                client=client,
                reason=reason.strip(),
                case_reference=case_reference.strip(),
                until=until,
                placed_by=actor,
                placed_at=at,
            )
            audit_record(
                actor=actor,
                event=HOLD_PLACED({"until": until.isoformat() if until else None}),
                obj=hold,
                client_ref=client.client_ref,
            )
    return hold


def check_until(until: dt.date | None, today: dt.date) -> None:
    """Raise HoldError unless ``until`` is empty or a day from today to 2100."""
    if until is not None and until < today:
        raise HoldError(
            _("De datum ligt in het verleden. Kies vandaag of een latere datum."),
            code="until_past",
        )
    if until is not None and until > LATEST_UNTIL:
        raise HoldError(
            _("Kies een datum tot en met 31 december 2100, of laat het veld leeg."),
            code="until_too_late",
        )


def _check_text(text: str, code: str, missing: Any) -> None:
    if not text.strip():
        raise HoldError(missing, code=code)
    if bsn_in_text(text):
        raise HoldError(BSN_IN_TEXT_MESSAGE, code="bsn_in_text")


def _client_found(actor: User, bsn: str) -> Client:
    """Return the client with this BSN; the search is audited, found or not."""
    client = client_lookup(actor=actor, bsn=bsn)
    if client is None:
        raise HoldError(
            _("Er is geen klant met dit BSN. Controleer het nummer."),
            code="not_found",
        )
    return client


def hold_lift_request(
    *, actor: User, hold: LegalHold, reason: str, at: dt.datetime
) -> LegalHold:
    """Ask to lift a standing hold, with a reason; another auditor must agree."""
    refuse_unless_auditor(actor, HOLD_LIFT_REQUESTED, hold_id=hold.pk)
    with _failures_recorded(actor, HOLD_LIFT_REQUESTED, hold), transaction.atomic():
        hold = _locked(hold)
        _check_text(reason, "reason_missing", _("Geef de reden om op te heffen."))
        _check_standing(hold, at)
        if hold.lift_requested_at is not None:
            raise HoldError(
                _("Er is al gevraagd deze bewaarplicht op te heffen."),
                code="already_requested",
            )
        hold.lift_requested_by, hold.lift_requested_at = actor, at
        hold.lift_reason = reason.strip()
        hold.save(
            update_fields=["lift_requested_by", "lift_requested_at", "lift_reason"]
        )
        audit_record(
            actor=actor,
            event=HOLD_LIFT_REQUESTED(),
            obj=hold,
            client_ref=hold.client.client_ref,
        )
    return hold


def hold_lift_agree(*, actor: User, hold: LegalHold, at: dt.datetime) -> LegalHold:
    """Agree to lift a hold another auditor asked to lift: it holds nothing more."""
    refuse_unless_auditor(actor, HOLD_LIFTED, hold_id=hold.pk)
    with _failures_recorded(actor, HOLD_LIFTED, hold), transaction.atomic():
        hold = _locked(hold)
        _check_standing(hold, at)
        if hold.lift_requested_by_id is None:
            raise HoldError(
                _("Niemand heeft gevraagd deze bewaarplicht op te heffen."),
                code="not_requested",
            )
        if asked_to_lift_themselves(actor, hold):
            raise FourEyesError(
                _(
                    "U hebt zelf gevraagd deze bewaarplicht op te heffen: een "
                    "andere auditor moet akkoord geven."
                ),
                code="four_eyes",
            )
        hold.lifted_by, hold.lifted_at = actor, at
        hold.save(update_fields=["lifted_by", "lifted_at"])
        audit_record(
            actor=actor,
            event=HOLD_LIFTED({"requested_by": hold.lift_requested_by_id}),
            obj=hold,
            client_ref=hold.client.client_ref,
        )
    return hold


def _locked(hold: LegalHold) -> LegalHold:
    """Return the hold again, its row locked until the transaction ends."""
    return (
        LegalHold.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=hold.pk)
    )


def _check_standing(hold: LegalHold, at: dt.datetime) -> None:
    if not hold_standing(hold, timezone.localdate(at)):
        raise HoldError(
            _(
                "Deze bewaarplicht is afgelopen of opgeheven: er valt niets op "
                "te heffen."
            ),
            code="not_standing",
        )


def holds_view_record(
    *, actor: User, holds: Iterable[LegalHold], page: str, today: dt.date
) -> None:
    """Record that these holds (and so their clients) were shown to ``actor``.

    One event per hold, all in one statement, however many the page shows.
    """
    refuse_unless_auditor(actor, HOLD_VIEWED)
    audit_record_many(
        actor=actor,
        events=[
            {
                "event": HOLD_VIEWED(
                    {"page": page, "status": hold_status(hold, today).value}
                ),
                "obj": hold,
                "client_ref": hold.client.client_ref,
            }
            for hold in holds
        ],
    )


def schedule_view_record(*, actor: User) -> None:
    """Record that the retention schedule was shown; only auditors and admins."""
    if not may_view_schedule(actor):
        audit_record_refusal(
            actor=actor, event=SCHEDULE_VIEWED.denied(), object_type="retention"
        )
        raise PermissionDenied(
            _("Alleen auditors en functioneel beheerders zien de bewaartermijnen.")
        )
    with transaction.atomic():
        audit_record(actor=actor, event=SCHEDULE_VIEWED(), object_type="retention")
