"""Counts that tests report at the end of a run (``pytest_terminal_summary``).

The persona matrix counts its cells and the hostile-input tests the inputs they
tried, each with how many of them the server answered with a 500.
"""

from collections import Counter

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


def lines() -> list[str]:
    return [
        f"{what}{f' ({NOTES[what]})' if what in NOTES else ''}: {tried} tried, "
        f"{SERVER_ERRORS[what]} answered with HTTP 500"
        for what, tried in sorted(TRIED.items())
    ]
