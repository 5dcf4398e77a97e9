"""A client's erasure (AVG art. 17): asking, agreeing or declining, and carrying it out.

A team lead or an auditor asks, with a reason; that counts as their role's
approval. Someone in the other role agrees (or declines, with a reason): four
eyes of two roles (``privacy.access``). On agreement the client's row is locked
and a standing legal hold or a confirmed violation that flags them refuses the
erasure, recorded with its code; otherwise the database's ``privacy_erase``
removes everything about them through the retention's narrow path (the files
of their access exports are deleted first) and says per table what went, which
is recorded as ``privacy.records_removed`` (kind ``erasure``). Every step is
audited in its transaction; refused attempts after their rollback, in a
transaction of their own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from audit.catalogue import Result
from audit.payloads import (
    ERASURE_APPROVED,
    ERASURE_DECLINED,
    ERASURE_REFUSED,
    ERASURE_REQUESTED,
    ERASURE_VIEWED,
    RECORDS_REMOVED,
    Catalogued,
    ErasureRefused,
)
from audit.services.record import audit_record, audit_record_many, audit_record_refusal
from conversations.models import Client
from conversations.services import client_lookup
from privacy.access import (
    asked_to_erase_themselves,
    client_in_team,
    erasure_approving_role,
    erasure_role,
    standing_on,
)
from privacy.models import AccessExport, ErasureRequest, LegalHold
from privacy.services.access_export import access_export_delete_files
from uwvrec.personal_data import BSN_IN_TEXT_MESSAGE, bsn_in_text

logger = structlog.get_logger(__name__)

OBJECT_TYPE = "privacy.erasurerequest"
# What ``privacy.records_removed`` says an erasure removed (beside the retention's).
ERASURE_KIND = "erasure"


class ErasureError(ValidationError):
    """A step on an erasure request the rules do not allow: a Dutch message, a code."""


class FourEyesError(ErasureError):
    """Who asked tried to decide, or someone in the asker's own role did."""


def refuse_unless_erasure_role(
    actor: User, action: Catalogued[Any], *, request_id: object = ""
) -> Role:
    """Return ``actor``'s erasure role; else record the refusal, PermissionDenied."""
    role = erasure_role(actor)
    if role is not None:
        return role
    audit_record_refusal(
        actor=actor,
        event=action.denied(),
        object_type=OBJECT_TYPE,
        object_id=str(request_id or ""),
    )
    raise PermissionDenied(
        _("Alleen teamleiders en auditors kunnen verzoeken om te wissen behandelen.")
    )


@contextmanager
def _failures_recorded(
    actor: User, action: Catalogued[Any], request: ErasureRequest | None = None
) -> Iterator[None]:
    """Record an ErasureError raised in the block as a refused attempt; re-raise."""
    try:
        yield
    except ErasureError as error:
        target: dict[str, Any] = {"object_type": OBJECT_TYPE}
        if request is not None:
            target = {"obj": request, "client_ref": request.client_ref}
        audit_record_refusal(
            actor=actor,
            event=action.refused({"code": error.code or ""}),
            result=Result.DENIED if isinstance(error, FourEyesError) else Result.FAILED,
            **target,
        )
        raise


def erasure_request(
    *, actor: User, bsn: str, reason: str, at: dt.datetime
) -> ErasureRequest:
    """Ask to erase the client with this (checked) BSN; the other role must agree.

    A team lead asks only about a client who had a conversation with their team.
    Raises ErasureError (``reason_missing``, ``bsn_in_text``, ``not_found``,
    ``not_in_team``, ``already_open``).
    """
    role = refuse_unless_erasure_role(actor, ERASURE_REQUESTED)
    with _failures_recorded(actor, ERASURE_REQUESTED):
        _check_text(reason, _("Geef de reden van het verzoek om te wissen."))
        client = _client_found(actor, bsn)
        if role == Role.TEAM_LEAD and not client_in_team(actor, client.pk):
            raise ErasureError(
                _(
                    "Deze klant had geen gesprek met uw team. Vraag een auditor om "
                    "het verzoek te doen."
                ),
                code="not_in_team",
            )
        with transaction.atomic():
            _check_none_open(client)
            request = ErasureRequest.objects.create(
                client=client,
                client_ref=client.client_ref,
                reason=reason.strip(),
                requested_by=actor,
                requested_role=role.value,
                requested_at=at,
            )
            audit_record(
                actor=actor,
                event=ERASURE_REQUESTED({"role": role.value}),
                obj=request,
                client_ref=request.client_ref,
            )
    return request


def _check_text(text: str, missing: Any) -> None:
    if not text.strip():
        raise ErasureError(missing, code="reason_missing")
    if bsn_in_text(text):
        raise ErasureError(BSN_IN_TEXT_MESSAGE, code="bsn_in_text")


def _client_found(actor: User, bsn: str) -> Client:
    """Return the client with this BSN; the search is audited, found or not."""
    client = client_lookup(actor=actor, bsn=bsn)
    if client is None:
        raise ErasureError(
            _("Er is geen klant met dit BSN. Controleer het nummer."),
            code="not_found",
        )
    return client


def _check_none_open(client: Client) -> None:
    # The client's row locked: two requests made at once do not both pass.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    open_requests = ErasureRequest.objects.filter(
        client=client, status=ErasureRequest.Status.REQUESTED
    )
    if open_requests.exists():
        raise ErasureError(
            _("Er staat al een verzoek om deze klant te wissen open."),
            code="already_open",
        )


def erasure_approve(
    *, actor: User, request: ErasureRequest, at: dt.datetime
) -> ErasureRequest:
    """Agree to an erasure someone in the other role asked: erase, or say why not.

    Returns the request: ``done`` with what was removed, or ``refused`` with its
    ``refusal`` (``hold``, ``flagged``). Raises ErasureError when the actor may
    not decide it (``four_eyes``, ``same_role``, ``not_in_team``, ``not_open``).
    """
    refuse_unless_erasure_role(actor, ERASURE_APPROVED, request_id=request.pk)
    with _failures_recorded(actor, ERASURE_APPROVED, request), transaction.atomic():
        request = _locked(request)
        client_id = _check_may_decide(actor, request)
        client = Client.objects.select_for_update().get(pk=client_id)
        request.approved_by, request.approved_at = actor, at
        audit_record(
            actor=actor,
            event=ERASURE_APPROVED(_decided(request)),
            obj=request,
            client_ref=request.client_ref,
        )
        refusal = _refusal(client, timezone.localdate(at))
        if refusal is not None:
            return _refuse(actor, request, refusal)
        request.save(update_fields=["approved_by", "approved_at"])
        _delete_access_export_files(client)
        removed = _erased(request)
        audit_record(
            actor=actor,
            event=RECORDS_REMOVED({"kind": ERASURE_KIND, "removed": removed}),
            obj=request,
            client_ref=request.client_ref,
        )
    request.refresh_from_db()
    return request


def erasure_decline(
    *, actor: User, request: ErasureRequest, reason: str, at: dt.datetime
) -> ErasureRequest:
    """Decline an erasure someone in the other role asked, with a reason."""
    refuse_unless_erasure_role(actor, ERASURE_DECLINED, request_id=request.pk)
    with _failures_recorded(actor, ERASURE_DECLINED, request), transaction.atomic():
        request = _locked(request)
        _check_may_decide(actor, request)
        _check_text(reason, _("Geef de reden om het verzoek af te wijzen."))
        request.declined_by, request.declined_at = actor, at
        request.declined_reason = reason.strip()
        request.status = ErasureRequest.Status.DECLINED
        request.save(
            update_fields=["declined_by", "declined_at", "declined_reason", "status"]
        )
        audit_record(
            actor=actor,
            event=ERASURE_DECLINED(_decided(request)),
            obj=request,
            client_ref=request.client_ref,
        )
    return request


def _locked(request: ErasureRequest) -> ErasureRequest:
    """Return the request again, its row locked until the transaction ends."""
    return (
        ErasureRequest.objects.select_for_update(of=("self",))
        .select_related("client", "requested_by")
        .get(pk=request.pk)
    )


def _check_may_decide(actor: User, request: ErasureRequest) -> int:
    """Raise ErasureError unless ``actor`` may agree to or decline ``request`` now.

    Return the id of the request's client, who is still there.
    """
    if request.status != ErasureRequest.Status.REQUESTED:
        raise ErasureError(
            _("Over dit verzoek is al beslist."),
            code="not_open",
        )
    if request.client_id is None:
        raise ErasureError(
            _(
                "Deze klant is er niet meer: alles over de klant is intussen na de "
                "bewaartermijn verwijderd."
            ),
            code="client_gone",
        )
    if asked_to_erase_themselves(actor, request):
        raise FourEyesError(
            _(
                "U hebt dit verzoek zelf gedaan: iemand in de andere rol moet "
                "akkoord geven of het afwijzen."
            ),
            code="four_eyes",
        )
    role = erasure_approving_role(request)
    # Who holds both roles acts as the auditor (``erasure_role``), in one role only.
    if erasure_role(actor) != role:
        raise FourEyesError(_same_role_message(role), code="same_role")
    if role == Role.TEAM_LEAD and not client_in_team(actor, request.client_id):
        raise FourEyesError(
            _("Deze klant had geen gesprek met uw team."), code="not_in_team"
        )
    return request.client_id


def _same_role_message(role: Role) -> Any:
    if role == Role.AUDITOR:
        return _(
            "Een teamleider deed dit verzoek: een auditor moet akkoord geven of het "
            "afwijzen, niet een tweede teamleider."
        )
    return _(
        "Een auditor deed dit verzoek: een teamleider van een team dat de klant "
        "sprak moet akkoord geven of het afwijzen, niet een tweede auditor."
    )


def _decided(request: ErasureRequest) -> Any:
    return {
        "requested_by": request.requested_by_id,
        "requested_role": request.requested_role,
    }


def _refusal(client: Client, today: dt.date) -> ErasureRefused | None:
    """Return why the locked client may not be erased now, or None: they may."""
    hold = (
        LegalHold.objects.filter(standing_on(today), client=client)
        .order_by("placed_at", "id")
        .first()
    )
    if hold is not None:
        return {"code": ErasureRequest.Refusal.HOLD.value, "hold": hold.pk}
    if client.flag_report_id is not None:
        return {"code": ErasureRequest.Refusal.FLAGGED.value}
    return None


def _refuse(
    actor: User, request: ErasureRequest, refusal: ErasureRefused
) -> ErasureRequest:
    """Close the approved request as refused, and record why; nothing is removed."""
    request.status = ErasureRequest.Status.REFUSED
    request.refusal = refusal["code"]
    request.refusal_hold_id = refusal.get("hold")
    request.save(
        update_fields=[
            "approved_by",
            "approved_at",
            "status",
            "refusal",
            "refusal_hold_id",
        ]
    )
    audit_record(
        actor=actor,
        event=ERASURE_REFUSED(refusal),
        obj=request,
        client_ref=request.client_ref,
        result=Result.FAILED,
    )
    return request


def _delete_access_export_files(client: Client) -> None:
    """Delete the files of the client's access exports once their rows are gone.

    A build still writing one meanwhile fails at its last save (its row is gone)
    and deletes what it wrote.
    """
    exports = list(AccessExport.objects.filter(client=client))

    def delete() -> None:
        for export in exports:
            access_export_delete_files(export)

    # After the commit only: rolled back, the exports keep their files.
    transaction.on_commit(delete)


def _erased(request: ErasureRequest) -> dict[str, list[int]]:
    """Have the database erase the client; return per table what went.

    The database checks again what it can know; where it refuses (a hold placed
    a moment ago, a role changed), the erasure is refused with code ``database``.
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT privacy_erase(%s)", [request.pk])
            removed: dict[str, list[int]] = json.loads(cursor.fetchone()[0])
    except DatabaseError as error:
        logger.warning("erasure_refused_by_database", request_id=request.pk)
        raise ErasureError(
            _(
                "De database weigerde het wissen: er is intussen iets veranderd "
                "(bijvoorbeeld een bewaarplicht). Open het verzoek opnieuw."
            ),
            code="database",
        ) from error
    return removed


def erasures_view_record(
    *, actor: User, requests: Iterable[ErasureRequest], page: str
) -> None:
    """Record that these requests (and so their clients) were shown to ``actor``.

    One event per request, all in one statement, however many the page shows.
    """
    refuse_unless_erasure_role(actor, ERASURE_VIEWED)
    audit_record_many(
        actor=actor,
        events=[
            {
                "event": ERASURE_VIEWED({"page": page, "status": request.status}),
                "obj": request,
                "client_ref": request.client_ref,
            }
            for request in requests
        ],
    )
