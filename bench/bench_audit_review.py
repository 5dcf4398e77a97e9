"""Measure the audit trail's review pages and exports on the seeded bench database.

Run through ``make bench``, after ``bench_audit.py`` has seeded and chained
``uwvrec_bench``. Reports the database time of one page of the review list (first
and deep, with and without filters), and the throughput and memory of exporting a
million events. Prints a Markdown table.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
os.environ["DATABASE_URL"] = (
    urlsplit(os.environ["DATABASE_URL"])._replace(path="/uwvrec_bench").geturl()
)
os.environ["DJANGO_SETTINGS_MODULE"] = "uwvrec.settings.test"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Team, User  # noqa: E402
from audit.selectors import (  # noqa: E402
    TrailFilters,
    audit_events_for,
    encode_cursor,
    page_after,
)
from audit.services.export import export_lines  # noqa: E402

RUNS = 20
EXPORT_FROM, EXPORT_TO = dt.date(2025, 12, 1), dt.date(2026, 1, 5)


class DatabaseClock:
    """Add up the time the database took for the queries run while it is on."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def reviewer(role: str, team: Team | None) -> User:
    user, _ = User.objects.get_or_create(username=f"bench-{role}",
                                         defaults={"team": team})  # fmt: skip
    user.groups.set([Group.objects.get(name=role)])
    return user


def page_ms(user: User, filters: TrailFilters, cursor: str | None) -> float:
    """Return the median database time of one page, in milliseconds."""
    times = []
    for _ in range(RUNS):
        clock = DatabaseClock()
        with connection.execute_wrapper(clock):
            page_after(audit_events_for(user=user, filters=filters), cursor)
        times.append(clock.seconds * 1000)
    return statistics.median(times)


def deep_cursor(user: User, filters: TrailFilters) -> str:
    """Return the cursor of the event nine tenths down the filtered list."""
    events = audit_events_for(user=user, filters=filters)
    depth = events.order_by().count() * 9 // 10
    return encode_cursor(events[depth])


def export(file_format: str) -> tuple[int, float]:
    """Export the seeded first five weeks; return lines written and seconds."""
    auditor = User.objects.get(username="bench-auditor")
    filters = TrailFilters(date_from=EXPORT_FROM, date_to=EXPORT_TO)
    events = audit_events_for(user=auditor, filters=filters)
    started, rows = time.perf_counter(), 0
    with open(os.devnull, "w") as sink:
        lines = export_lines(file_format=file_format, events=events,
                             filters=filters, at=dt.datetime.now(dt.UTC))  # fmt: skip
        for chunk in lines:  # the exports yield many lines at a time
            sink.write(chunk)
            rows += chunk.count("\n")
    return rows, time.perf_counter() - started


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "export":
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rows, seconds = export(sys.argv[2])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(rows, seconds, before, peak)
        return
    # The seed gave events to teams 0-39; review those of team 7 as its lead.
    team = Team.objects.get_or_create(pk=7, defaults={
        "name": "Team 7", "division": Team.Division.CLIENT_SERVICE,
        "office": "Bench"})[0]  # fmt: skip
    auditor, lead = reviewer("auditor", None), reviewer("team_lead", team)
    rows = _pages(auditor, lead) + _exports()
    print("| benchmark | figure | unit |\n| --- | ---: | --- |")
    for name, figure, unit in rows:
        print(f"| {name} | {figure} | {unit} |")


def _pages(auditor: User, lead: User) -> list[tuple[str, str, str]]:
    month = TrailFilters(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    cases = [
        ("auditor, no filter", auditor, TrailFilters()),
        ("team lead (own team)", lead, TrailFilters()),
        ("auditor, one employee", auditor, TrailFilters(actor_id=1234)),
        ("auditor, one action", auditor, TrailFilters(action="admin.object_changed")),
        ("auditor, result denied", auditor, TrailFilters(result="denied")),
        ("auditor, one month", auditor, month),
    ]
    rows = []
    for name, user, filters in cases:
        rows.append((f"review page, first, {name}",
                     f"{page_ms(user, filters, None):.2f}", "ms db"))  # fmt: skip
        cursor = deep_cursor(user, filters)
        rows.append((f"review page, 90% deep, {name}",
                     f"{page_ms(user, filters, cursor):.2f}", "ms db"))  # fmt: skip
    return rows


def _exports() -> list[tuple[str, str, str]]:
    rows = []
    for file_format in ("jsonl", "csv"):
        result = subprocess.run(
            [sys.executable, __file__, "export", file_format],
            capture_output=True, text=True, check=True, env=os.environ,
        )  # fmt: skip
        lines, seconds, before, peak = result.stdout.split()
        # Besides the events: header and footer; CSV also has its preamble row.
        events = int(lines) - (3 if file_format == "csv" else 2)
        rows.append((f"export {file_format}, {events:,} events",
                     f"{events / float(seconds):,.0f}", "events/s"))  # fmt: skip
        rows.append((f"export {file_format}, memory growth while exporting",
                     f"{(int(peak) - int(before)) / 1024:,.1f}", "MB"))  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
