"""Measure the audit trail at scale: seeding, appending, sealing and verifying.

Run through ``make bench`` (it starts the services and passes their URLs). It works
in a database of its own, ``uwvrec_bench``, seeded once with ``BENCH_AUDIT_EVENTS``
events (default 10 million, made in SQL) and reused by later runs. Prints a Markdown
table.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psycopg
from common import PROJECT_ROOT, database_url, prepare_database, superuser

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "10000000"))
DATABASE = "uwvrec_bench"
WRITER_SECONDS = 10
WRITERS = (1, 4, 16)
ENQUEUE = "audit_auditevent_enqueue"

BENCH_ENV = os.environ | {
    "DATABASE_URL": database_url("DATABASE_URL", DATABASE),
    "DJANGO_SETTINGS_MODULE": "uwvrec.settings.test",
    "PYTHONPATH": str(PROJECT_ROOT),
}


SEED_SQL = """
INSERT INTO audit_auditevent (occurred_at, actor_id, actor_username, actor_name,
    actor_role, team_id, team_name, action, object_type, object_id, result, data,
    ip, user_agent, request_id, origin)
SELECT ts, actor, 'user' || actor, 'Medewerker ' || actor, 'employee',
       actor %% 40, 'Team ' || (actor %% 40),
       (ARRAY['auth.logged_in','auth.logged_out','audit.trail_viewed',
              'admin.object_changed','audit.event_viewed'])[1 + n %% 5],
       'accounts.user', actor::text,
       (ARRAY['success','success','success','denied','failed'])[1 + n %% 5],
       '{}'::jsonb, '10.0.0.1'::inet, 'Mozilla/5.0', md5(n::text), 'web'
FROM (
    SELECT n, 1 + (n * 7919) %% 2000 AS actor,
           %(start)s::timestamptz
               + (n * %(step)s::bigint) * interval '1 microsecond' AS ts
    FROM generate_series(%(first)s::bigint, %(count)s::bigint) AS n
) seed
"""


def seed(count: int) -> float | None:
    """Add events until the trail holds ``count``; return the seconds it took."""
    with superuser(DATABASE) as conn:
        have = conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
        if have >= count:
            return None
        started = time.perf_counter()
        conn.execute("SELECT audit_ensure_partitions(0)")
        _make_months(conn)
        # The queue trigger would add rows one by one; fill the queue in one go.
        conn.execute(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_enqueue"
        )
        step = 365 * 24 * 3600 * 1_000_000 // count  # a year of events
        start = "2025-12-01T00:00:00Z"
        conn.execute(
            SEED_SQL, {"start": start, "step": step, "first": have + 1, "count": count}
        )
        conn.execute(
            "INSERT INTO audit_auditpending (event_id, occurred_at) SELECT e.id, "
            "e.occurred_at FROM audit_auditevent e WHERE NOT EXISTS (SELECT 1 FROM "
            "audit_auditlink l WHERE l.event_id = e.id) ON CONFLICT DO NOTHING"
        )
        conn.execute(f"ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER {ENQUEUE}")
        conn.execute("VACUUM ANALYZE audit_auditevent")
        return time.perf_counter() - started


def _make_months(conn: psycopg.Connection) -> None:
    """Partitions for the seeded year (the app makes the coming months itself)."""
    for month in range(12):
        year, index = 2025 + (11 + month) // 12, (11 + month) % 12 + 1
        name = f"audit_auditevent_{year}_{index:02d}"
        if conn.execute("SELECT to_regclass(%s)", [name]).fetchone()[0]:
            continue
        start = f"{year}-{index:02d}-01 00:00:00+00"
        end_year, end_month = (year, index + 1) if index < 12 else (year + 1, 1)
        end = f"{end_year}-{end_month:02d}-01 00:00:00+00"
        conn.execute(
            f"CREATE TABLE {name} PARTITION OF audit_auditevent "
            f"FOR VALUES FROM ('{start}') TO ('{end}')"
        )
        conn.execute("SELECT audit_guard_partition(%s)", [name])


RUN_SEALER = """
import time, django
django.setup()
from audit.services.seal import audit_seal
started, total = time.perf_counter(), 0
while sealed := audit_seal(batch=10000):
    total += sealed
print(total, time.perf_counter() - started)
"""

RUN_WRITER = """
import sys, time, django
django.setup()
from audit.catalogue import Action
from audit.payloads import Event
from audit.services.record import audit_record
deadline, count = time.perf_counter() + float(sys.argv[1]), 0
while time.perf_counter() < deadline:
    audit_record(actor=None, event=Event(Action.LOGIN_FAILED, {"username": "bench"}),
                 result="failed")
    count += 1
print(count)
"""

RUN_VERIFY = [sys.executable, "manage.py", "verify_audit_trail", "--no-seal",
              "--anchors", "/nonexistent"]  # fmt: skip


def _python(code: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, env=BENCH_ENV,
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout.strip()


def seal_all() -> tuple[int, float]:
    total, seconds = _python(RUN_SEALER).split()
    return int(total), float(seconds)


def append(writers: int) -> float:
    """Return events per second appended by ``writers`` processes at once."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RUN_WRITER, str(WRITER_SECONDS)],
            cwd=PROJECT_ROOT,
            env=BENCH_ENV,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(writers)
    ]
    counts = [int(process.communicate()[0]) for process in processes]
    return sum(counts) / WRITER_SECONDS


def verify() -> tuple[str, float]:
    started = time.perf_counter()
    result = subprocess.run(RUN_VERIFY, cwd=PROJECT_ROOT, env=BENCH_ENV,
                            capture_output=True, text=True)  # fmt: skip
    return (result.stdout + result.stderr).strip(), time.perf_counter() - started


def main() -> None:
    # The seed's partitions are the superuser's: a migrate could not grant on them.
    prepare_database(DATABASE, BENCH_ENV, migrate_existing=False)
    rows: list[tuple[str, str, str]] = []
    seeded = seed(EVENTS)
    if seeded is not None:
        rows.append((f"seed {EVENTS:,} events in SQL", f"{seeded:,.1f}", "s"))
    count, seconds = seal_all()
    if count:
        rows.append((f"seal {count:,} waiting events", f"{count / seconds:,.0f}",
                     "events/s"))  # fmt: skip
    for writers in WRITERS:
        rate = append(writers)
        rows.append((f"append, {writers} concurrent writers", f"{rate:,.0f}",
                     "events/s"))  # fmt: skip
    count, seconds = seal_all()
    rows.append((f"seal what the writers added ({count:,})",
                 f"{count / seconds:,.0f}", "events/s"))  # fmt: skip
    output, seconds = verify()
    checked = int(output.split(": ")[1].split()[0]) if "intact" in output else 0
    rows.append((f"verify_audit_trail, {checked:,} events", f"{checked / seconds:,.0f}",
                 "events/s"))  # fmt: skip
    rows.append(("verify_audit_trail, wall time", f"{seconds:,.1f}", "s"))
    print("| benchmark | figure | unit |\n| --- | ---: | --- |")
    for name, figure, unit in rows:
        print(f"| {name} | {figure} | {unit} |")
    if "intact" not in output:
        print(f"\nverification failed: {output}")
        sys.exit(1)


if __name__ == "__main__":
    main()
