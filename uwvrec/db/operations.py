"""Migration operations that make the database itself guard append-only tables."""

from typing import Any

from django.db import migrations

# The search path is fixed, as on every function of the project: a caller's path
# would otherwise put its temporary schema first (audit migration 0003).
# One narrow way through, for the retention functions (privacy migration 0002): a
# DELETE after ``uwvrec.retention`` was set, by the table's owner acting for
# another login, which is what the owner's SECURITY DEFINER functions that delete
# only what is past its period do when the app calls them. Anyone may set the
# setting; the owner's own login is refused, and so is a superuser's, which is
# not the owner (docs/adr/0008-retention.md).
GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION uwvrec_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('uwvrec.retention', true) = 'on'
       AND current_user <> session_user
       AND current_user = (
           SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID
       ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'uwvrec: % on % is refused: the table is append-only',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def guard_sql(table: str) -> str:
    """Return SQL that makes ``table`` refuse UPDATE, DELETE and TRUNCATE.

    ``ENABLE ALWAYS`` keeps the triggers firing under
    ``session_replication_role = replica``, the usual way around ordinary triggers.
    Row triggers on a partitioned table are cloned onto its partitions; TRUNCATE
    triggers are not, so ``partition_guard_sql`` adds one to each partition.
    """
    return f"""
    CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION uwvrec_refuse_change();
    ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_refuse_change;
    {truncate_guard_sql(table)}
    REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC;
    """


def truncate_guard_sql(table: str) -> str:
    """Return SQL that makes ``table`` (or one partition) refuse TRUNCATE."""
    return f"""
    CREATE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION uwvrec_refuse_change();
    ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_refuse_truncate;
    """


class GuardAppendOnly(migrations.RunSQL):
    """Make ``table`` append-only in the database, for every role."""

    def __init__(self, table: str, **kwargs: Any) -> None:
        self.table = table
        super().__init__(
            sql=GUARD_FUNCTION + guard_sql(table),
            reverse_sql=f"""
            DROP TRIGGER {table}_refuse_change ON {table};
            DROP TRIGGER {table}_refuse_truncate ON {table};
            """,
            **kwargs,
        )

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.table], {})
