"""Copies of the chain head outside the database, where a superuser cannot reach.

A superuser who rewrites the whole tail of the chain consistently, or cuts rows off
its end, leaves a chain that checks out on its own; only a copy of an earlier head
kept elsewhere shows it. The file sink is an append-only JSON Lines file (put it on
storage the database host cannot write: a log shipper, WORM storage); the mail
sink sends each head to the auditors as well.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction

from audit.anchor_file import anchor_file, read_checkpoints
from audit.models import AuditAnchor, AuditCheckpoint, AuditLink


def audit_anchor() -> AuditAnchor | None:
    """Copy the chain head to the sinks, unless it was copied already.

    The database allows one anchor per position, so of two runs at once one writes
    the row and the other does nothing. The file line and the mail follow the
    commit: a rolled-back anchor is never copied out. Should the process die right
    after the commit, that head stays without its line; the next head is anchored.
    """
    with transaction.atomic():
        head = AuditLink.objects.order_by("-seq").values_list("seq", "hash").first()
        if head is None:
            return None
        seq, head_hash = head
        with connection.cursor() as cursor:
            cursor.execute(_INSERT, [seq, head_hash, _sinks()])
            row = cursor.fetchone()
        if row is None:
            return None
        anchor = AuditAnchor(id=row[0], seq=seq, hash=head_hash, anchored_at=row[1],
                             sink=row[2])  # fmt: skip
        record = {"seq": seq, "hash": head_hash,
                  "anchored_at": anchor.anchored_at.isoformat()}  # fmt: skip
        transaction.on_commit(lambda: _copy_out(record))
    return anchor


# Any unique conflict: ``seq`` is unique (for the anchors after the last duplicate
# in a trail that had some, see audit migration 0005).
_INSERT = """
INSERT INTO audit_auditanchor (seq, hash, sink) VALUES (%s, %s, %s)
ON CONFLICT DO NOTHING RETURNING id, anchored_at, sink
"""


def _copy_out(record: dict[str, object]) -> None:
    _append(anchor_file(), json.dumps(record, sort_keys=True))
    if settings.AUDIT_ANCHOR_MAIL_TO:
        send_mail(
            subject=f"uwvrec audit chain head {record['seq']}",
            message=json.dumps(record, indent=2, sort_keys=True),
            from_email=None,
            recipient_list=settings.AUDIT_ANCHOR_MAIL_TO,
        )


def _sinks() -> str:
    sinks = [f"file:{anchor_file()}"]
    if settings.AUDIT_ANCHOR_MAIL_TO:
        sinks.append("mail")
    return ",".join(sinks)[:200]


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def checkpoint_record(checkpoint: AuditCheckpoint) -> dict[str, object]:
    """Return a checkpoint as its line in the anchor file holds it."""
    return {
        "checkpoint": {
            "month": checkpoint.month.isoformat(),
            "first_seq": checkpoint.first_seq,
            "last_seq": checkpoint.last_seq,
            "events": checkpoint.events,
            "last_hash": checkpoint.last_hash,
            "digest": checkpoint.digest,
        }
    }


def checkpoint_copy_out(checkpoint: AuditCheckpoint) -> None:
    """Append the checkpoint's line to the anchor file, after its commit."""
    line = json.dumps(checkpoint_record(checkpoint), sort_keys=True)
    transaction.on_commit(lambda: _append(anchor_file(), line))


def audit_checkpoints_copy_out() -> int:
    """Copy out every checkpoint the anchor file lacks; return how many.

    The retention run writes a checkpoint and copies it after the commit; should
    the process die in between, the next run copies it here.
    """
    copied = {item.last_seq for item in read_checkpoints()}
    missing = AuditCheckpoint.objects.exclude(last_seq__in=copied).order_by("last_seq")
    count = 0
    for checkpoint in missing:
        _append(
            anchor_file(), json.dumps(checkpoint_record(checkpoint), sort_keys=True)
        )
        count += 1
    return count
