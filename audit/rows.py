"""Events as the chain sees them: one SQL column list, one way to read a row.

The sealer, the verifier and the exports all read events through this module, so
the bytes hashed when chaining are the bytes recomputed when checking.
"""

from __future__ import annotations

import json
from typing import Any

from audit import chain

EVENT_COLUMNS = """
e.id, e.occurred_at, e.actor_id, e.actor_username, e.actor_name, e.actor_role,
e.team_id, e.team_name, e.action, e.object_type, e.object_id, e.client_ref,
e.result, e.changes, e.data, host(e.ip), e.user_agent, e.request_id, e.origin
"""


def fields_from_row(values: tuple[Any, ...]) -> dict[str, Any]:
    """Return an event's canonical fields from a row of ``EVENT_COLUMNS``."""
    fields = dict(zip(chain.EVENT_FIELDS, values, strict=True))
    fields["occurred_at_us"] = chain.microseconds(fields["occurred_at_us"])
    for name in chain.JSON_FIELDS:
        if isinstance(fields[name], str):
            fields[name] = json.loads(fields[name])
    return fields
