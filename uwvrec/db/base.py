from typing import Any

from django.db.backends.postgresql import base, operations

from uwvrec.db.catalog import guarded_tables


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        """Flush every table but those the database guards, and the audit queue."""
        from uwvrec.db.models import tables_kept_on_flush  # needs the app registry

        with self.connection.cursor() as cursor:
            kept = tables_kept_on_flush() | guarded_tables(cursor)
        return super().sql_flush(style, [t for t in tables if t not in kept], **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
