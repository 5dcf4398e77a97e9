"""Outside anchors: one per chain position, copied out only once it is committed."""

import json
import threading
import time

import psycopg
import pytest
from django.db import connection, transaction

from audit.models import AuditAnchor
from audit.services.anchor import audit_anchor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    settings.AUDIT_ANCHOR_MAIL_TO = ["anker@uwv.nl"]
    return settings.AUDIT_ANCHOR_FILE


def _lines(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def _waiting_on_anchors(conn: psycopg.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_locks WHERE NOT granted"
        " AND relation = 'audit_auditanchor'::regclass"
    ).fetchone()[0]


def _anchor_in_thread(results: list) -> None:
    try:
        results.append(audit_anchor())
    finally:
        connection.close()


def test_two_runs_at_once_write_one_anchor_one_line_and_one_mail(
    restore_trail, sealed_events, anchor_file, mailoutbox
):
    """Both runs read the head before either inserts; the database lets one win."""
    conn = restore_trail
    results: list = []
    threads = [threading.Thread(target=_anchor_in_thread, args=[results])
               for _ in range(2)]  # fmt: skip
    # Hold inserts into the anchors back until both runs are at their insert.
    with conn.transaction():
        conn.execute("LOCK TABLE audit_auditanchor IN SHARE MODE")
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while _waiting_on_anchors(conn) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_on_anchors(conn) == 2
    for thread in threads:
        thread.join(30)

    [anchor] = [result for result in results if result is not None]
    assert len(results) == 2
    assert list(AuditAnchor.objects.filter(seq=anchor.seq).values_list("hash")) == [
        (anchor.hash,)
    ]
    assert [(line["seq"], line["hash"]) for line in _lines(anchor_file)] == [
        (anchor.seq, anchor.hash)
    ]
    assert [mail.to for mail in mailoutbox] == [["anker@uwv.nl"]]


class RolledBackError(Exception):
    pass


def _anchor_then_roll_back() -> None:
    with transaction.atomic():
        assert audit_anchor() is not None
        raise RolledBackError


def test_an_anchor_rolled_back_is_not_copied_out(
    restore_trail, sealed_events, anchor_file, mailoutbox
):
    before = AuditAnchor.objects.count()
    with pytest.raises(RolledBackError):
        _anchor_then_roll_back()
    assert AuditAnchor.objects.count() == before
    assert _lines(anchor_file) == []
    assert mailoutbox == []

    anchor = audit_anchor()  # the same head, now for real
    assert [line["seq"] for line in _lines(anchor_file)] == [anchor.seq]
    assert len(mailoutbox) == 1


def test_the_database_refuses_a_second_anchor_for_a_position(
    restore_trail, sealed_events
):
    anchor = audit_anchor()
    with pytest.raises(psycopg.errors.UniqueViolation):
        restore_trail.execute(
            "INSERT INTO audit_auditanchor (seq, hash, sink) VALUES (%s, %s, 'x')",
            [anchor.seq, anchor.hash],
        )
    assert audit_anchor() is None
