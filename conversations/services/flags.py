"""Showing a client's flag (R8): the banner at the top of a client's pages."""

from __future__ import annotations

from accounts.models import User
from audit.payloads import FLAG_VIEWED
from audit.services.record import audit_record
from conversations.models import Client, ClientFlag


def client_flag_shown(*, actor: User, client: Client, page: str) -> ClientFlag | None:
    """Return the client's flag for the banner of a page, or None: not flagged.

    The page's view calls this before it renders and hands the flag to the
    template; showing a flag is audited (``page``: the view's name).
    """
    flag = client.flag
    if flag is not None:
        flag_view_record(actor=actor, client=client, flag=flag, page=page)
    return flag


def flag_view_record(
    *, actor: User, client: Client, flag: ClientFlag, page: str
) -> None:
    """Record that a client's flag was shown to ``actor``."""
    audit_record(
        actor=actor,
        event=FLAG_VIEWED({"report": flag.report_id, "rule": flag.rule, "page": page}),
        obj=client,
        client_ref=client.client_ref,
    )
