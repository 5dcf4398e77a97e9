"""Fixtures for the audit trail: a superuser's connection, and a sealed trail."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from audit.catalogue import Action
from audit.payloads import Event
from audit.services.record import audit_record
from audit.services.seal import audit_seal
from uwvrec.localservices import libpq_url

AUDIT_TABLES = ("audit_auditevent", "audit_auditlink", "audit_auditpending",
                "audit_auditanchor")  # fmt: skip


def superuser_conninfo() -> str:
    """Return a libpq URI that logs in to the test database as a superuser."""
    return libpq_url(
        os.environ["DATABASE_SUPERUSER_URL"], connection.settings_dict["NAME"]
    )


@contextmanager
def superuser() -> Iterator[psycopg.Connection]:
    with psycopg.connect(superuser_conninfo(), autocommit=True) as conn:
        yield conn


@contextmanager
def guards_disabled(conn: psycopg.Connection) -> Iterator[None]:
    """Switch the audit tables' triggers off, as a superuser tampering would."""
    triggers = conn.execute(
        "SELECT c.relname, t.tgname FROM pg_trigger t"
        " JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE c.relname LIKE 'audit_audit%' AND NOT t.tgisinternal"
    ).fetchall()
    for table, trigger in triggers:
        conn.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
    try:
        yield
    finally:
        for table, trigger in triggers:
            conn.execute(f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER "{trigger}"')


@pytest.fixture
def restore_trail(transactional_db) -> Iterator[psycopg.Connection]:
    """A superuser's connection; whatever it does to the trail is undone after."""
    with superuser() as conn:
        for table in AUDIT_TABLES:
            conn.execute(f"CREATE TEMP TABLE saved_{table} AS TABLE {table}")
        yield conn
        with guards_disabled(conn):
            for table in AUDIT_TABLES:
                conn.execute(f"DELETE FROM {table}")
                conn.execute(f"INSERT INTO {table} TABLE saved_{table}")


@pytest.fixture
def sealed_events(transactional_db, employee) -> list[int]:
    """Six events, committed and chained; return their ids."""
    ids = [
        audit_record(actor=employee, event=Event(Action.LOGGED_IN), obj=employee).id
        for _ in range(6)
    ]
    while audit_seal():
        pass
    return ids
