"""Whether the rollup equals a count over the raw tables, cell by cell.

The triggers keep it so (figures migration 0001); this check says it, for the
tests and for an operator (``manage.py figures_check``).
"""

from __future__ import annotations

from typing import Any

from django.db import connection

DAY_DIFFERENCES = """
WITH facts AS (SELECT (figures_fact(c.id)).* FROM conversations_conversation c),
want AS (
    SELECT day, team_id, channel, kind, status, wish, outcome, uwv_records,
           uwv_reason_given, count(*) AS conversations, sum(superseded) AS superseded
    FROM facts
    GROUP BY day, team_id, channel, kind, status, wish, outcome, uwv_records,
             uwv_reason_given
)
SELECT day, team_id, channel, kind, status, wish, outcome, uwv_records,
       uwv_reason_given, w.conversations, w.superseded, h.conversations, h.superseded
FROM want w FULL JOIN figures_dayfigures h
    USING (day, team_id, channel, kind, status, wish, outcome, uwv_records,
           uwv_reason_given)
WHERE (w.conversations, w.superseded) IS DISTINCT FROM (h.conversations, h.superseded)
ORDER BY day, team_id
"""

REASON_DIFFERENCES = """
WITH facts AS (SELECT (figures_fact(c.id)).* FROM conversations_conversation c),
want AS (
    SELECT day, team_id, channel, kind, r AS reason, count(*) AS conversations
    FROM facts CROSS JOIN LATERAL unnest(facts.reasons) r
    GROUP BY day, team_id, channel, kind, r
)
SELECT day, team_id, channel, kind, reason, w.conversations, h.conversations
FROM want w FULL JOIN figures_reasonday h USING (day, team_id, channel, kind, reason)
WHERE w.conversations IS DISTINCT FROM h.conversations
ORDER BY day, team_id
"""


def rollup_differences() -> list[tuple[Any, ...]]:
    """Return every cell where the rollup and the raw tables differ (none: [])."""
    with connection.cursor() as cursor:
        cursor.execute(DAY_DIFFERENCES)
        rows = cursor.fetchall()
        cursor.execute(REASON_DIFFERENCES)
        return rows + cursor.fetchall()
