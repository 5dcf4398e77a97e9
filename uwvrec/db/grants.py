"""Grant the application's database role what it may do, after every migrate.

Migrations run as the owner role; the web app and workers log in as the role named
by ``DATABASE_APP_ROLE``, which may read and write ordinary tables but never update,
delete or truncate append-only ones, and, not owning them, can neither drop nor
disable their guards.
"""

from typing import Any

from django.conf import settings
from django.db import connections
from psycopg import sql

from uwvrec.db.catalog import guarded_tables


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
        for table in sorted(guarded_tables(cursor)):
            cursor.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                    sql.Identifier(table), sql.Identifier(role)
                )
            )
