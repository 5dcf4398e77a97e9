"""Events as the chain sees them: one SQL column list, one way to read a row.

The sealer, the verifier and the exports all read events through this module, so
the bytes hashed when chaining are the bytes recomputed when checking. The database
hands over the time as integer microseconds and JSON as text, which is both exact
and cheaper to read than datetimes and parsed JSON.
"""

from __future__ import annotations

import json
from typing import Any

from audit import chain

EVENT_COLUMNS = """
e.id, (extract(epoch FROM e.occurred_at) * 1000000)::bigint, e.actor_id,
e.actor_username, e.actor_name, e.actor_role, e.team_id, e.team_name, e.action,
e.object_type, e.object_id, e.client_ref, e.result, e.changes::text, e.data::text,
host(e.ip), e.user_agent, e.request_id, e.origin
"""
_CHANGES, _DATA = chain.EVENT_FIELDS.index("changes"), chain.EVENT_FIELDS.index("data")


def _json(text: str) -> Any:
    return {} if text == "{}" else json.loads(text)


def fields_from_row(values: tuple[Any, ...]) -> dict[str, Any]:
    """Return an event's canonical fields from a row of ``EVENT_COLUMNS``."""
    fields = dict(zip(chain.EVENT_FIELDS, values, strict=True))
    fields["changes"] = _json(values[_CHANGES])
    fields["data"] = _json(values[_DATA])
    return fields
