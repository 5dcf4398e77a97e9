"""The hash chain: sealing, verification, and every kind of tampering it exposes."""

import io
import itertools
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from audit import chain
from audit.catalogue import Action
from audit.event_columns import EVENT_COLUMNS, fields_from_row
from audit.models import AuditEvent, AuditLink, AuditPending
from audit.payloads import Event
from audit.services.anchor import audit_anchor
from audit.services.record import audit_record
from audit.services.seal import audit_seal
from tests.audit.conftest import guards_disabled
from tests.conftest import BASE_DIR, app_env

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    return settings.AUDIT_ANCHOR_FILE


def verify() -> tuple[int, str]:
    """Run ``verify_audit_trail`` as an operator would; return exit code and output."""
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_audit_trail", "--anchors",
         str(settings.AUDIT_ANCHOR_FILE)],
        cwd=BASE_DIR, env=app_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result.returncode, (result.stdout + result.stderr).strip()


def test_sealing_chains_events_in_order(restore_trail, sealed_events):
    links = list(AuditLink.objects.filter(event_id__in=sealed_events).order_by("seq"))
    assert [link.event_id for link in links] == sealed_events
    assert [b.seq - a.seq for a, b in itertools.pairwise(links)] == [1] * 5
    for before, link in itertools.pairwise(links):
        assert link.prev_hash == before.hash
        assert chain.digest(bytes(link.canonical)) == link.hash
    assert not AuditPending.objects.filter(event_id__in=sealed_events).exists()
    document = json.loads(bytes(links[0].canonical))
    assert document["event"]["id"] == sealed_events[0]
    assert isinstance(document["event"]["occurred_at_us"], int)


def test_an_intact_trail_verifies(restore_trail, sealed_events):
    audit_anchor()
    code, output = verify()
    assert code == 0, output
    assert output.startswith("audit trail intact:")
    assert "1 outside anchors match" in output


def test_verification_chains_waiting_events_first(restore_trail, employee):
    event = audit_record(actor=employee, event=Event(Action.LOGGED_IN))
    assert AuditPending.objects.filter(event_id=event.pk).exists()
    code, output = verify()
    assert code == 0, output
    assert AuditLink.objects.filter(event_id=event.pk).exists()


def _link(conn, event_id):
    return conn.execute(
        "SELECT seq, prev_hash, hash FROM audit_auditlink WHERE event_id = %s",
        [event_id],
    ).fetchone()


def _rechain(conn, from_seq):
    """Recompute every link from ``from_seq`` on, as a careful forger would."""
    prev = conn.execute(
        "SELECT hash FROM audit_auditlink WHERE seq = %s", [from_seq - 1]
    ).fetchone()
    prev = prev[0] if prev else chain.GENESIS
    links = conn.execute(
        f"SELECT l.seq, {EVENT_COLUMNS} FROM audit_auditlink l JOIN audit_auditevent e"
        " ON e.id = l.event_id WHERE l.seq >= %s ORDER BY l.seq",
        [from_seq],
    ).fetchall()
    for seq, *values in links:
        data = chain.canonical(fields_from_row(tuple(values)), seq=seq, prev=prev)
        prev, old = chain.digest(data), prev
        conn.execute(
            "UPDATE audit_auditlink SET prev_hash = %s, hash = %s, canonical = %s"
            " WHERE seq = %s",
            [old, prev, data, seq],
        )


def test_an_edited_event_is_found(restore_trail, sealed_events):
    conn = restore_trail
    with guards_disabled(conn):
        conn.execute("UPDATE audit_auditevent SET result = 'failed' WHERE id = %s",
                     [sealed_events[2]])  # fmt: skip
    code, output = verify()
    seq = _link(conn, sealed_events[2])[0]
    assert code == 1
    assert f"seq {seq} (event {sealed_events[2]}): the event differs" in output


def test_an_edit_with_recomputed_hash_breaks_the_next_link(
    restore_trail, sealed_events
):
    conn = restore_trail
    with guards_disabled(conn):
        conn.execute("UPDATE audit_auditevent SET result = 'failed' WHERE id = %s",
                     [sealed_events[2]])  # fmt: skip
        seq = _link(conn, sealed_events[2])[0]
        link = conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM audit_auditevent e WHERE e.id = %s",
            [sealed_events[2]],
        ).fetchone()
        prev = _link(conn, sealed_events[1])[2]
        data = chain.canonical(fields_from_row(link), seq=seq, prev=prev)
        conn.execute("UPDATE audit_auditlink SET hash = %s, canonical = %s "
                     "WHERE seq = %s", [chain.digest(data), data, seq])  # fmt: skip
    code, output = verify()
    assert code == 1
    assert f"seq {seq + 1} (event {sealed_events[3]}): does not link" in output


def test_a_deleted_event_is_found(restore_trail, sealed_events):
    conn = restore_trail
    with guards_disabled(conn):
        conn.execute("DELETE FROM audit_auditevent WHERE id = %s", [sealed_events[3]])
    code, output = verify()
    assert code == 1
    assert f"(event {sealed_events[3]}): the event itself is missing" in output


def test_a_deleted_link_is_a_gap(restore_trail, sealed_events):
    conn = restore_trail
    seq = _link(conn, sealed_events[3])[0]
    with guards_disabled(conn):
        conn.execute("DELETE FROM audit_auditlink WHERE seq = %s", [seq])
    code, output = verify()
    assert code == 1
    assert f"seq {seq} is missing: the chain jumps to seq {seq + 1}" in output


def test_two_swapped_links_are_found(restore_trail, sealed_events):
    conn = restore_trail
    first, second = _link(conn, sealed_events[1])[0], _link(conn, sealed_events[4])[0]
    with guards_disabled(conn):
        conn.execute("UPDATE audit_auditlink SET seq = seq + 1000000"
                     " WHERE seq IN (%s, %s)", [first, second])  # fmt: skip
        conn.execute("UPDATE audit_auditlink SET seq = %s WHERE seq = %s",
                     [second, first + 1000000])  # fmt: skip
        conn.execute("UPDATE audit_auditlink SET seq = %s WHERE seq = %s",
                     [first, second + 1000000])  # fmt: skip
    code, output = verify()
    assert code == 1
    assert f"seq {first} (event {sealed_events[4]}): does not link" in output


def test_a_forged_inserted_event_is_found(restore_trail, sealed_events, employee):
    conn = restore_trail
    seq = _link(conn, sealed_events[2])[0]
    with guards_disabled(conn):
        conn.execute("UPDATE audit_auditlink SET seq = seq + 1000000 WHERE seq > %s",
                     [seq])  # fmt: skip
        conn.execute(
            "UPDATE audit_auditlink SET seq = seq - 999999 WHERE seq > 1000000"
        )
        forged = conn.execute(
            "INSERT INTO audit_auditevent (action, result, origin, actor_id)"
            " VALUES ('auth.logged_in', 'success', 'web', %s)"
            " RETURNING id, occurred_at", [employee.pk],
        ).fetchone()  # fmt: skip
        row = conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM audit_auditevent e WHERE e.id = %s",
            [forged[0]],
        ).fetchone()
        prev = _link(conn, sealed_events[2])[2]
        data = chain.canonical(fields_from_row(row), seq=seq + 1, prev=prev)
        conn.execute(
            "INSERT INTO audit_auditlink (seq, event_id, event_occurred_at, prev_hash,"
            " hash, canonical) VALUES (%s, %s, %s, %s, %s, %s)",
            [seq + 1, forged[0], forged[1], prev, chain.digest(data), data],
        )
    code, output = verify()
    assert code == 1
    assert f"seq {seq + 2} (event {sealed_events[3]}): does not link" in output


def test_a_consistently_rewritten_tail_is_caught_by_the_anchor(
    restore_trail, sealed_events
):
    conn = restore_trail
    anchor = audit_anchor()
    seq = _link(conn, sealed_events[2])[0]
    with guards_disabled(conn):
        conn.execute("UPDATE audit_auditevent SET result = 'failed' WHERE id = %s",
                     [sealed_events[2]])  # fmt: skip
        _rechain(conn, seq)
    code, output = verify()
    assert code == 1
    assert f"seq {anchor.seq}: differs from its outside anchor (rewritten)" in output


def test_cutting_off_the_last_events_is_caught_by_the_anchor(
    restore_trail, sealed_events
):
    conn = restore_trail
    anchor = audit_anchor()
    with guards_disabled(conn):
        for event_id in sealed_events[-2:]:
            conn.execute("DELETE FROM audit_auditlink WHERE event_id = %s", [event_id])
            conn.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])
    code, output = verify()
    assert code == 1
    assert f"seq {anchor.seq} was anchored but the chain ends at seq " in output
    assert "events were cut off" in output


def test_an_event_dropped_from_the_queue_is_found(restore_trail, employee):
    conn = restore_trail
    event = audit_record(actor=employee, event=Event(Action.LOGGED_IN))
    with guards_disabled(conn):
        conn.execute("DELETE FROM audit_auditpending WHERE event_id = %s", [event.pk])
    code, output = verify()
    assert code == 1
    assert f"event {event.pk} is missing from the chain" in output


APPENDER = """
import sys, django
django.setup()
from audit.catalogue import Action
from audit.payloads import Event
from audit.services.record import audit_record
from audit.services.seal import audit_seal
for _ in range(int(sys.argv[1])):
    audit_record(actor=None, event=Event(Action.LOGIN_FAILED, {"username": "proces"}),
                 result="failed")
    audit_seal(batch=50)
"""


def test_processes_appending_and_sealing_at_once_leave_one_chain(restore_trail):
    before = AuditEvent.objects.count()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, "40"],
            cwd=BASE_DIR,
            env={**app_env(), "PYTHONPATH": str(BASE_DIR)},
        )
        for _ in range(4)
    ]
    assert [process.wait(timeout=120) for process in processes] == [0, 0, 0, 0]
    assert AuditEvent.objects.count() == before + 160
    code, output = verify()
    assert code == 0, output
    # All chained; only the record of that verification itself waits for the sealer.
    verified = AuditEvent.objects.filter(action=Action.TRAIL_VERIFIED).latest("id")
    assert list(AuditPending.objects.values_list("event_id", flat=True)) == [
        verified.pk
    ]


def test_the_anchor_file_holds_every_head(restore_trail, sealed_events, anchor_file):
    first = audit_anchor()
    assert audit_anchor() is None  # nothing new since
    audit_record(actor=None, event=Event(Action.LOGIN_FAILED), result="failed")
    audit_seal()
    second = audit_anchor()
    lines = [json.loads(line) for line in anchor_file.read_text().splitlines()]
    assert [(line["seq"], line["hash"]) for line in lines] == [
        (first.seq, first.hash),
        (second.seq, second.hash),
    ]
    assert second.seq == first.seq + 1


def test_the_nightly_task_records_the_result(restore_trail, sealed_events, mailoutbox):
    from audit.tasks import verify_audit_trail

    assert verify_audit_trail.apply().get() is True
    event = AuditEvent.objects.filter(action=Action.TRAIL_VERIFIED).latest("id")
    assert (event.result, event.origin) == ("success", "task")
    assert event.data["problem"] == ""
    assert mailoutbox == []


def _verified_since(start: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.TRAIL_VERIFIED, pk__gt=start))


def test_the_command_records_its_result(restore_trail, sealed_events, mailoutbox):
    start = AuditEvent.objects.latest("id").pk
    call_command("verify_audit_trail", stdout=io.StringIO())
    [event] = _verified_since(start)
    assert (event.result, event.origin, event.actor_id) == ("success", "command", None)
    assert set(event.data) == {"checked", "head_seq", "pending", "anchors", "problem"}
    assert (event.data["pending"], event.data["problem"]) == (0, "")
    assert event.data["checked"] == event.data["head_seq"] >= len(sealed_events)
    assert mailoutbox == []


def test_a_break_found_by_the_command_is_recorded_and_mailed_to_the_auditors(
    restore_trail, sealed_events, mailoutbox
):
    from tests.factories import UserFactory

    UserFactory(auditor=True, email="auditor@uwv.nl")
    UserFactory(admin=True, email="beheer@uwv.nl")
    with guards_disabled(restore_trail):
        restore_trail.execute(
            "UPDATE audit_auditevent SET result = 'failed' WHERE id = %s",
            [sealed_events[2]],
        )
    start = AuditEvent.objects.latest("id").pk
    stderr = io.StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit_trail", stderr=stderr)

    assert exit_.value.code == 1
    assert f"(event {sealed_events[2]}): the event differs" in stderr.getvalue()
    [event] = _verified_since(start)
    assert (event.result, event.origin) == ("failed", "command")
    assert f"(event {sealed_events[2]}): the event differs" in event.data["problem"]
    assert [mail.to for mail in mailoutbox] == [["auditor@uwv.nl"]]
    assert "niet intact" in mailoutbox[0].subject
    assert f"(event {sealed_events[2]}): the event differs" in mailoutbox[0].body


def test_a_broken_trail_is_recorded_and_mailed_to_the_auditors(
    restore_trail, sealed_events, mailoutbox
):
    from audit.tasks import verify_audit_trail
    from tests.factories import UserFactory

    UserFactory(auditor=True, email="auditor@uwv.nl")
    conn = restore_trail
    with guards_disabled(conn):
        conn.execute("UPDATE audit_auditevent SET result = 'failed' WHERE id = %s",
                     [sealed_events[2]])  # fmt: skip

    assert verify_audit_trail.apply().get() is False

    event = AuditEvent.objects.filter(action=Action.TRAIL_VERIFIED).latest("id")
    assert event.result == "failed"
    assert f"(event {sealed_events[2]}): the event differs" in event.data["problem"]
    assert [mail.to for mail in mailoutbox] == [["auditor@uwv.nl"]]
    assert "niet intact" in mailoutbox[0].subject
