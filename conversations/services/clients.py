"""Finding and registering clients by BSN, and rotating the keys of their BSNs."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.catalogue import Action
from audit.payloads import CLIENT_KEYS_ROTATED, CLIENT_REGISTERED, CLIENT_SEARCHED
from audit.services.record import audit_record
from conversations.bsn import bsn_encrypt, bsn_hash, bsn_reencrypt
from conversations.errors import ClientNotFoundError
from conversations.models import Client
from conversations.services.common import check_may_run, check_no_bsn


def client_find(*, actor: User, bsn: str) -> Client | None:
    """Return the client with this (checked) BSN, or None; the search is audited."""
    check_may_run(actor, Action.CLIENT_SEARCHED)
    return client_lookup(actor=actor, bsn=bsn)


def client_lookup(*, actor: User, bsn: str) -> Client | None:
    """Return the client with this BSN, or None, and audit the search.

    The caller has decided that ``actor`` may search (an employee at the
    checklist, an auditor placing a legal hold).
    """
    client = Client.objects.filter(bsn_hash=bsn_hash(bsn)).first()
    with transaction.atomic():
        audit_record(
            actor=actor,
            event=CLIENT_SEARCHED({"found": client is not None}),
            obj=client,
            object_type="conversations.client",
            client_ref=client.client_ref if client else "",
        )
    return client


def client_find_or_register(*, actor: User, bsn: str, display_name: str = "") -> Client:
    """Return the client with this BSN; register them when a name is given.

    Raises ClientNotFoundError when nobody has this BSN and no name was given, and
    BsnInTextError for a name holding a BSN.
    """
    if client := client_find(actor=actor, bsn=bsn):
        return client
    if not display_name.strip():
        raise ClientNotFoundError(
            _(
                "Er is geen klant met dit BSN. Vul de naam in om de klant te "
                "registreren."
            ),
            code="not_found",
        )
    check_no_bsn(display_name)
    return _client_register(actor=actor, bsn=bsn, display_name=display_name.strip())


def _client_register(*, actor: User, bsn: str, display_name: str) -> Client:
    with transaction.atomic():
        client, created = Client.objects.get_or_create(
            bsn_hash=bsn_hash(bsn),
            defaults={"display_name": display_name, "bsn_encrypted": bsn_encrypt(bsn)},
        )
        if created:
            audit_record(
                actor=actor,
                event=CLIENT_REGISTERED(),
                obj=client,
                client_ref=client.client_ref,
            )
    return client


def client_keys_rotate(*, batch: int = 1000) -> int:
    """Encrypt every stored BSN again with the current key; return how many.

    Safe to run while the app serves: each batch is one transaction, and the old
    keys still decrypt until they are removed from ``BSN_ENCRYPTION_KEYS``.
    """
    count, last_id = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                Client.objects.select_for_update()
                .filter(pk__gt=last_id)
                .order_by("pk")
                .only("pk", "bsn_encrypted")[:batch]
            )
            if not rows:
                break
            for client in rows:
                client.bsn_encrypted = bsn_reencrypt(client.bsn_encrypted)
            Client.objects.bulk_update(rows, ["bsn_encrypted"])
            count += len(rows)
            last_id = rows[-1].pk
    with transaction.atomic():
        audit_record(
            actor=None,
            event=CLIENT_KEYS_ROTATED({"count": count}),
            object_type="conversations.client",
        )
    return count
