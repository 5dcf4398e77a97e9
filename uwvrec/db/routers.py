"""Send reads inside a replica scope to the replica; everything else to the primary.

See ``uwvrec.db.replica`` for the scope and docs/adr/0009-read-replica.md for why.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from uwvrec.db.replica import REPLICA, in_replica_scope


class ReplicaRouter:
    """Reads go to the replica only inside ``reads_from_replica()``; writes never."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if in_replica_scope() and REPLICA in connections.settings:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the primary's rows: an object read there is the same row.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
