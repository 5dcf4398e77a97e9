"""Nobody changes the trail: not the app's role, not a superuser, not the admin."""

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.catalogue import Action
from audit.models import AuditEvent, AuditLink, AuditPending
from audit.payloads import Event
from audit.services.record import audit_record
from audit.services.seal import audit_seal
from tests.audit.conftest import superuser

pytestmark = pytest.mark.django_db(transaction=True)

APP_ROLE_STATEMENTS = [
    "UPDATE audit_auditevent SET data = '{}'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "UPDATE audit_auditlink SET hash = 'x'",
    "DELETE FROM audit_auditlink",
    "TRUNCATE audit_auditlink",
    "DELETE FROM audit_auditanchor",
    "SET session_replication_role = replica",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
    "DROP TRIGGER audit_auditevent_refuse_change ON audit_auditevent",
    "DROP TABLE audit_auditlink",
    # The queue: the app only adds to it; the sealer removes through audit_dequeue.
    "DELETE FROM audit_auditpending",
    "UPDATE audit_auditpending SET occurred_at = now()",
    "TRUNCATE audit_auditpending",
    # A temporary table of that name would take the events meant for the queue.
    "CREATE TEMP TABLE audit_auditpending (event_id bigint, occurred_at timestamptz)",
    # What the owner's functions do for the app is not the app's to do directly.
    "SELECT audit_guard_partition('audit_auditevent_default')",
]


def _partition() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'audit_auditevent'::regclass ORDER BY 1 LIMIT 1"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def event(employee):
    return audit_record(actor=employee, event=Event(Action.LOGGED_IN), obj=employee)


@pytest.mark.parametrize("statement", APP_ROLE_STATEMENTS)
def test_the_app_role_cannot_change_the_trail(event, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(statement)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_app_role_cannot_touch_a_partition_directly(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(f"UPDATE {_partition()} SET data = '{{}}'")


def test_the_orm_cannot_update_or_delete_an_event(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(result="failed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).result == "success"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET data = '{}'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "UPDATE {partition} SET data = '{}'",
        "TRUNCATE {partition}",
        "UPDATE audit_auditlink SET hash = 'x'",
        "TRUNCATE audit_auditlink",
    ],
)
def test_a_superuser_is_refused_too_even_as_a_replica(event, statement):
    while not AuditLink.objects.filter(event_id=event.pk).exists():
        audit_seal()
    with superuser() as conn:
        conn.execute("SET session_replication_role = replica")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute(statement.replace("{partition}", _partition()))
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_every_audit_table_and_partition_is_guarded():
    with superuser() as conn:
        rows = conn.execute(
            """
            SELECT c.relname, bool_or(t.tgtype & 32 <> 0), bool_or(t.tgtype & 24 <> 0)
            FROM pg_class c JOIN pg_trigger t ON t.tgrelid = c.oid
            WHERE c.relname LIKE 'audit_audit%' AND t.tgenabled = 'A'
              AND NOT t.tgisinternal AND c.relname <> 'audit_auditpending'
            GROUP BY c.relname
            """
        ).fetchall()
    guarded = {
        name: (truncate, update_or_delete) for name, truncate, update_or_delete in rows
    }
    assert {"audit_auditevent", "audit_auditlink", "audit_auditanchor",
            "audit_auditevent_default"} <= set(guarded)  # fmt: skip
    assert all(truncate and change for truncate, change in guarded.values())


def test_no_admin_page_changes_or_deletes_an_event(client, admin_user, event):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    response = client.post(change, {"result": "failed"})
    assert response.status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).result == "success"


def test_a_temporary_table_does_not_take_the_queue_s_events(employee):
    """Even a role that may make one (a superuser) cannot shadow the real queue."""
    with superuser() as conn:
        conn.execute(
            "CREATE TEMP TABLE audit_auditpending (event_id bigint, occurred_at"
            " timestamptz)"
        )
        event_id = conn.execute(
            "INSERT INTO audit_auditevent (action, result, origin, actor_id)"
            " VALUES ('auth.logged_in', 'success', 'web', %s) RETURNING id",
            [employee.pk],
        ).fetchone()[0]
        shadow = conn.execute("SELECT count(*) FROM pg_temp.audit_auditpending")
        assert shadow.fetchone()[0] == 0
    assert AuditPending.objects.filter(event_id=event_id).exists()
    while audit_seal():
        pass
    assert AuditLink.objects.filter(event_id=event_id).exists()


def test_the_app_role_may_not_make_temporary_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_database_privilege(current_user, current_database(), 'TEMP')"
        )
        assert cursor.fetchone()[0] is False


def test_the_sealer_s_dequeue_removes_only_chained_events(event):
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_dequeue(%s::bigint[])", [[event.pk]])
        assert cursor.fetchone()[0] == 0
    assert AuditPending.objects.filter(event_id=event.pk).exists()
    while audit_seal():
        pass
    assert not AuditPending.objects.filter(event_id=event.pk).exists()
    assert AuditLink.objects.filter(event_id=event.pk).exists()


def test_every_function_of_the_project_has_a_search_path_with_pg_temp_last():
    """Every trigger and SECURITY DEFINER function must not take its caller's path.

    A caller's path searches ``pg_temp`` first unless it is listed; a function's
    fixed path must therefore list it, and last.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.proname, p.proconfig FROM pg_proc p
            JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace = 'public'::regnamespace
              AND l.lanname IN ('plpgsql', 'sql')
            ORDER BY 1
            """
        )
        functions = dict(cursor.fetchall())
    assert {"audit_enqueue", "audit_dequeue", "audit_ensure_partitions",
            "audit_make_partition", "uwvrec_refuse_change",
            "rules_ruletext_refuse_change"} <= set(functions)  # fmt: skip
    paths = {
        name: next(
            (item.split("=", 1)[1] for item in config or [] if item.startswith(
                "search_path=")), None,
        )
        for name, config in functions.items()
    }  # fmt: skip
    unpinned = {
        name: path
        for name, path in paths.items()
        if path is None or path.replace('"', "").split(", ")[-1] != "pg_temp"
    }
    assert unpinned == {}
