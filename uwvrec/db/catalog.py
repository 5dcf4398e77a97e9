from typing import Any

# Tables whose guard refuses TRUNCATE for everyone (a trigger that fires ALWAYS);
# partitions of a guarded table carry a guard of their own.
_GUARDED = """
SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgenabled = 'A' AND NOT t.tgisinternal AND (t.tgtype & 32) <> 0
"""


def guarded_tables(cursor: Any) -> set[str]:
    """Return the tables (and partitions) the database keeps append-only."""
    cursor.execute(_GUARDED)
    return {row[0] for row in cursor.fetchall()}
