"""The monthly partitions: made by the daily task, and events that missed them."""

import logging
from collections.abc import Iterator

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from audit.anchor_file import read_anchors
from audit.catalogue import Action
from audit.models import AuditEvent
from audit.services.anchor import audit_anchor
from audit.services.seal import audit_seal
from audit.tasks import prepare_audit_partitions
from audit.trail_check import verify_trail
from tests.audit.conftest import AUDIT_TABLES, guards_disabled, superuser
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The first day of a month some months from now, in UTC as the partitions are cut.
MONTH_AHEAD = (
    "date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => %s)"
)


def _partitions(conn: psycopg.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'audit_auditevent'::regclass"
    ).fetchall()
    return {row[0] for row in rows}


def _month(conn: psycopg.Connection, months: int) -> tuple[str, str]:
    """Return the partition name and the ``YYYY-MM`` of the month ``months`` ahead."""
    return conn.execute(
        f"SELECT 'audit_auditevent_' || to_char({MONTH_AHEAD}, 'YYYY_MM'),"
        f" to_char({MONTH_AHEAD}, 'YYYY-MM')",
        [months, months],
    ).fetchone()


@pytest.fixture
def trail(transactional_db, settings, tmp_path) -> Iterator[psycopg.Connection]:
    """A superuser's connection; the trail and its partitions are put back after."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    with superuser() as conn:
        before = _partitions(conn)
        for table in AUDIT_TABLES:
            conn.execute(f"CREATE TEMP TABLE saved_{table} AS TABLE {table}")
        yield conn
        with guards_disabled(conn):
            for table in AUDIT_TABLES:
                conn.execute(f"DELETE FROM {table}")
        for extra in _partitions(conn) - before:
            conn.execute(f'DROP TABLE "{extra}"')
        conn.execute("SELECT audit_ensure_partitions()")
        with guards_disabled(conn):
            for table in AUDIT_TABLES:
                conn.execute(f"INSERT INTO {table} TABLE saved_{table}")


def _stray_events(conn: psycopg.Connection, months: int, count: int) -> list[int]:
    """Write ``count`` events dated ``months`` ahead, whose partition is missing."""
    return [
        conn.execute(
            "INSERT INTO audit_auditevent (action, result, origin, occurred_at)"
            f" VALUES ('auth.login_failed', 'failed', 'web', {MONTH_AHEAD}"
            " + make_interval(days => %s)) RETURNING id",
            [months, day],
        ).fetchone()[0]
        for day in range(count)
    ]


def _where(conn: psycopg.Connection, ids: list[int]) -> set[str]:
    rows = conn.execute(
        "SELECT DISTINCT tableoid::regclass::text FROM audit_auditevent"
        " WHERE id = ANY(%s)",
        [ids],
    ).fetchall()
    return {row[0] for row in rows}


def test_the_daily_task_as_the_app_role_makes_the_coming_months(trail):
    name, _ = _month(trail, 3)
    trail.execute(f'DROP TABLE "{name}"')

    assert prepare_audit_partitions.apply().get() == 1

    assert name in _partitions(trail)
    trail.execute("SET session_replication_role = replica")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        trail.execute(f'TRUNCATE "{name}"')
    trail.execute("RESET session_replication_role")
    assert prepare_audit_partitions.apply().get() == 0


def test_events_in_the_default_partition_are_reported_and_moved_to_their_month(
    trail, mailoutbox, caplog
):
    auditor = UserFactory(auditor=True, email="auditor@uwv.nl")
    admin = UserFactory(admin=True, email="beheer@uwv.nl")
    UserFactory(email="medewerker@uwv.nl")
    near, near_label = _month(trail, 2)
    far, far_label = _month(trail, 60)
    trail.execute(f'DROP TABLE "{near}"')
    near_ids = _stray_events(trail, 2, 3)
    far_ids = _stray_events(trail, 60, 1)
    assert _where(trail, near_ids + far_ids) == {"audit_auditevent_default"}
    while audit_seal():
        pass
    anchor = audit_anchor()
    start = AuditEvent.objects.latest("id").pk

    with caplog.at_level(logging.ERROR, logger="audit.partitions"):
        assert prepare_audit_partitions.apply().get() == 2

    assert _where(trail, near_ids) == {near}
    assert _where(trail, far_ids) == {far}
    default = trail.execute("SELECT count(*) FROM audit_auditevent_default")
    assert default.fetchone()[0] == 0
    filled = AuditEvent.objects.filter(
        action=Action.PARTITION_FILLED, pk__gt=start
    ).order_by("id")
    assert [(event.data, event.result, event.origin) for event in filled] == [
        ({"month": near_label, "moved": 3}, "success", "task"),
        ({"month": far_label, "moved": 1}, "success", "task"),
    ]
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([admin.email, auditor.email])
    assert "buiten hun maandpartitie" in mail.subject
    assert f"{near_label} (3), {far_label} (1)" in mail.body
    [record] = [r for r in caplog.records if r.name == "audit.partitions"]
    assert record.levelno == logging.ERROR
    assert record.msg["events"] == 4
    assert record.msg["months"] == [near_label, far_label]

    while audit_seal():
        pass
    report = verify_trail(read_anchors())
    assert report.intact, report.problems
    assert anchor.seq < report.head_seq


def test_the_default_partition_stays_guarded_after_a_move(trail):
    name, _ = _month(trail, 2)
    trail.execute(f'DROP TABLE "{name}"')
    _stray_events(trail, 2, 2)
    prepare_audit_partitions.apply().get()
    stray = _stray_events(trail, 50, 1)  # in the default again: no partition yet

    enabled = trail.execute(
        "SELECT t.tgname, t.tgenabled FROM pg_trigger t"
        " WHERE t.tgrelid = 'audit_auditevent_default'::regclass"
        " AND NOT t.tgisinternal ORDER BY 1"
    ).fetchall()
    assert {state for _, state in enabled} == {"A"}
    assert len(enabled) == 3  # change, truncate, and the queue
    trail.execute("SET session_replication_role = replica")
    for statement in (
        "DELETE FROM audit_auditevent_default",
        "UPDATE audit_auditevent_default SET result = 'success'",
        f"UPDATE \"{name}\" SET result = 'success'",
        "TRUNCATE audit_auditevent_default",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            trail.execute(statement)
    trail.execute("RESET session_replication_role")
    assert _where(trail, stray) == {"audit_auditevent_default"}


def test_the_app_role_can_neither_empty_the_default_nor_forge_a_move(trail):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM audit_auditevent_default")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("SELECT audit_make_partition(now()::date + 4000, 'forged', '')")
    name, _ = _month(trail, 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_make_partition(now()::date, 'task', '')")
        assert cursor.fetchone()[0] == 0  # its partition exists: nothing to do
    assert name in _partitions(trail)


@pytest.mark.parametrize(
    ("month", "origin"),
    [
        ("2999-12-01", "task"),  # far ahead: nobody writes there
        ("1900-01-01", "command"),  # long past, and no event of it in the default
        ("now", "web"),  # a page never makes partitions
    ],
)
def test_the_app_role_makes_no_partition_where_none_is_needed(trail, month, origin):
    day = "now()::date + interval '1 month'" if month == "now" else f"'{month}'::date"
    before = _partitions(trail)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(f"SELECT audit_make_partition({day}, %s, '')", [origin])
    assert _partitions(trail) == before


def test_partitions_are_prepared_at_most_a_year_ahead(trail):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("SELECT audit_ensure_partitions(400, 'task', '')")
