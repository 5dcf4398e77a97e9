"""What the logs may not hold: the query strings of the requests they name.

A query string can carry what a person typed (an admin's search for a client's
name, a filter): log lines keep the method and path only. See
docs/adr/0004-audit-review-filters-are-posted.md for the pages that post instead.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

# A request line as runserver and Django write it: "GET /path?query HTTP/1.1".
_REQUEST_LINE_QUERY = re.compile(r'("?[A-Z]+ [^\s?"]*)\?[^\s"]*')


def drop_query_strings(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Remove the query string from the request a log line names (structlog)."""
    request = event_dict.get("request")
    if isinstance(request, str):
        event_dict["request"] = request.split("?", 1)[0]
    event = event_dict.get("event")
    if isinstance(event, str) and "?" in event:
        event_dict["event"] = _REQUEST_LINE_QUERY.sub(r"\1", event)
    return event_dict
