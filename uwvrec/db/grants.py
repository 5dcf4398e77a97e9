"""Grant the application's database role what it may do, after every migrate.

Migrations run as the owner role; the web app and workers log in as the role named
by ``DATABASE_APP_ROLE``, which may read and write ordinary tables but never update,
delete or truncate append-only ones (nor the audit queue, which it only adds to),
nor write the few it may only read (the retention periods),
and, not owning them, can neither drop nor disable their guards. It may call the
few functions that do, with the owner's rights, what it may not do itself, and it
may not make temporary tables, whose names would come first in its search path.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from psycopg import sql

from uwvrec.db.catalog import guarded_tables

# SECURITY DEFINER functions of the owner that the app's role calls: the sealer
# removes what it chained, the daily task makes the coming months' partitions,
# retention and an approved erasure remove what they may.
APP_FUNCTIONS = (
    "audit_dequeue(bigint[])",
    "audit_default_partition_months()",
    "audit_ensure_partitions(integer, text, text)",
    # The function before audit migration 0004, should that be reversed.
    "audit_ensure_partitions(integer)",
    "audit_make_partition(date, text, text)",
    # Retention (privacy migration 0002): count, and remove, what is past its period.
    "privacy_retention_due()",
    "privacy_retention_remove(text, bigint, integer)",
    # The audit trail's months past their period (privacy migration 0003).
    "audit_retirable()",
    "audit_retire(date, bigint, bigint, text, text)",
    # A client's erasure, approved by a team lead and an auditor (migration 0005).
    "privacy_erase(bigint)",
)


def grant_app_role(*, using: str = "default", **kwargs: Any) -> None:
    """Grant ``DATABASE_APP_ROLE`` its privileges on every table now present."""
    role = settings.DATABASE_APP_ROLE
    if not role:
        return
    statements = [
        # TRUNCATE adds nothing DELETE does not allow, and lets tests flush.
        "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public "
        "TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    with connections[using].cursor() as cursor:
        for statement in statements:
            cursor.execute(sql.SQL(statement).format(role=sql.Identifier(role)))
        for table in sorted(_insert_only_tables(cursor)):
            cursor.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                    sql.Identifier(table), sql.Identifier(role)
                )
            )
        for table in sorted(_read_only_tables(cursor)):
            cursor.execute(
                sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                    sql.Identifier(table), sql.Identifier(role)
                )
            )
        for function in APP_FUNCTIONS:
            cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [function])
            if cursor.fetchone()[0]:
                cursor.execute(
                    sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(
                        sql.SQL(function), sql.Identifier(role)
                    )
                )
        _revoke_temporary_tables(cursor, role)


def _insert_only_tables(cursor: Any) -> set[str]:
    """Return the guarded tables, and those ``flush`` keeps (the audit queue)."""
    from uwvrec.db.models import tables_kept_on_flush  # needs the app registry

    cursor.execute(
        "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'",
        [sorted(tables_kept_on_flush())],
    )
    kept = {row[0] for row in cursor.fetchall()}
    return kept | guarded_tables(cursor)


def _read_only_tables(cursor: Any) -> set[str]:
    """Return the tables of the models marked ``app_may_only_read``."""
    from django.apps import apps  # the registry is ready after migrate

    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if getattr(model, "app_may_only_read", False)
    )
    cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)", [tables])
    return {row[0] for row in cursor.fetchall()}


def _revoke_temporary_tables(cursor: Any, role: str) -> None:
    """Take TEMPORARY from the app's role, and from PUBLIC, which has it by default."""
    cursor.execute("SELECT current_database()")
    database = sql.Identifier(cursor.fetchone()[0])
    cursor.execute(
        sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC, {}").format(
            database, sql.Identifier(role)
        )
    )
    cursor.execute(
        "SELECT has_database_privilege(%s, current_database(), 'TEMPORARY')", [role]
    )
    if cursor.fetchone()[0]:
        raise ImproperlyConfigured(
            f"The database role {role} may still create temporary tables. Make the "
            "migrating role the owner of the database, or revoke TEMPORARY on it "
            "from PUBLIC and that role as its owner."
        )
