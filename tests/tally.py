"""Counts that tests report at the end of a run (``pytest_terminal_summary``).

The persona matrix counts its cells and the hostile-input tests the inputs they
tried, each with how many of them the server answered with a 500.
"""

from collections import Counter
from typing import Any

TRIED: Counter[str] = Counter()
SERVER_ERRORS: Counter[str] = Counter()
NOTES: dict[str, str] = {}


def note(what: str, text: str) -> None:
    """Say what a count is made of (shown with it, when anything was counted)."""
    NOTES[what] = text


def count(what: str, *, n: int = 1, server_error: bool = False) -> None:
    TRIED[what] += n
    if server_error:
        SERVER_ERRORS[what] += 1


def dump() -> dict[str, Any]:
    """Return the counts as plain data (a pytest-xdist worker sends them on)."""
    return {"tried": dict(TRIED), "server_errors": dict(SERVER_ERRORS), "notes": NOTES}


def load(counts: dict[str, Any]) -> None:
    """Add counts that ``dump`` made in another process."""
    TRIED.update(counts.get("tried", {}))
    SERVER_ERRORS.update(counts.get("server_errors", {}))
    NOTES.update(counts.get("notes", {}))


def lines() -> list[str]:
    return [
        f"{what}{f' ({NOTES[what]})' if what in NOTES else ''}: {tried} tried, "
        f"{SERVER_ERRORS[what]} answered with HTTP 500"
        for what, tried in sorted(TRIED.items())
    ]
