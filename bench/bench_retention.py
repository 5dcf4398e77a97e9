"""A retention run over a million expired conversations, beside the checklist.

Run through ``make bench``. It works in the checklist benchmark's database
(``bench_checklist.py`` seeds it once), adds ``BENCH_RETENTION_CONVERSATIONS``
conversations (default 1,000,000) held three years ago, each with a participant
and a decision, and then loads a checklist step under gunicorn with ``wrk`` (10
connections, ``BENCH_RETENTION_SECONDS`` seconds a round): rounds before the run,
rounds while ``manage.py retention_run`` removes them, and rounds after. Prints the
run's rows per second and the step's rate and p95 without and with the run beside
it, as a Markdown table. The expired rows are seeded again on every run (the run
removes them).
The run rests ``BENCH_RETENTION_REST_RATIO`` (default 3, as in production) times
each batch's time after it; 0 runs it flat out.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time

import bench_checklist as checklist
from common import PROJECT_ROOT, prepare_database, superuser

from uwvrec.localservices import free_port

EXPIRED = int(os.environ.get("BENCH_RETENTION_CONVERSATIONS", "1000000"))
# The production default (uwvrec/settings/base.py); the tests' settings rest not.
REST_RATIO = os.environ.get("BENCH_RETENTION_REST_RATIO", "3")
SECONDS = int(os.environ.get("BENCH_RETENTION_SECONDS", "10"))
ROUNDS_BESIDE = 3  # rounds before the run, and after it
CONNECTIONS = 10
STEP = checklist.PAGES[0]  # the checklist step, GET

EXPIRED_SQL = """
INSERT INTO conversations_conversation (client_id, employee_id, team_id, channel,
    kind, scheduled_at, place, status, kind_confirmed, wish, participants_confirmed,
    uwv_reason, answers_version)
SELECT c.first + (n * 7919) %% c.clients, u.id, u.team_id, 'face_to_face', 'regular',
       now() - interval '3 years' - n * interval '1 second', 'Amsterdam', 'held',
       true, 'audio', true, '', 5
FROM generate_series(1, %(count)s::bigint) AS n
CROSS JOIN (SELECT min(id) AS first, count(*) AS clients
            FROM conversations_client) c
JOIN (SELECT id, team_id, row_number() OVER (ORDER BY id) - 1 AS slot
      FROM accounts_user WHERE username LIKE 'bench%%') u
  ON u.slot = n %% %(users)s
"""
PARTICIPANTS_SQL = """
INSERT INTO conversations_participant (conversation_id, name, role, consents)
SELECT id, 'Jan Derde', 'third_person', true FROM conversations_conversation c
WHERE scheduled_at < now() - interval '800 days'
  AND NOT EXISTS (SELECT 1 FROM conversations_participant p
                  WHERE p.conversation_id = c.id)
"""
DECISIONS_SQL = """
INSERT INTO conversations_decision (conversation_id, sequence, facts, policy_version,
    outcome, reasons, missing, conditions, uwv_recording, uwv_missing,
    rule_text_language, decided_by_id, decided_at)
SELECT id, 1, '{"wish": "audio"}'::jsonb, '2017-01', 'allowed', '[]'::jsonb,
       '[]'::jsonb, '[]'::jsonb, 'none', '[]'::jsonb, 'nl', employee_id, scheduled_at
FROM conversations_conversation c
WHERE scheduled_at < now() - interval '800 days'
  AND NOT EXISTS (SELECT 1 FROM conversations_decision d WHERE d.conversation_id = c.id)
"""


def seed_expired() -> float:
    """Top the expired conversations up to ``EXPIRED``, with their participants and
    decisions (a run stopped half-way left some); return the seconds taken."""
    started = time.perf_counter()
    with superuser(checklist.DATABASE) as conn:
        # A run stopped half-way left some: top them up.
        left = conn.execute(
            "SELECT count(*) FROM conversations_conversation "
            "WHERE scheduled_at < now() - interval '800 days'"
        ).fetchone()[0]
        conn.execute(EXPIRED_SQL, {"count": EXPIRED - left, "users": checklist.USERS})
        # After a run removed a million rows, or on a new database, the planner's
        # counts say the tables are small: the anti-joins below then run as nested
        # loops over a table they are filling, for many minutes. Hash joins only.
        conn.execute(
            "ANALYZE conversations_conversation, conversations_participant, "
            "conversations_decision"
        )
        conn.execute("SET enable_nestloop = off")
        conn.execute(PARTICIPANTS_SQL)
        conn.execute(DECISIONS_SQL)
        conn.execute("RESET enable_nestloop")
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def retention() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "retention_run"],
        cwd=PROJECT_ROOT,
        env=checklist.BENCH_ENV | {"RETENTION_REST_RATIO": REST_RATIO},
        stdout=subprocess.PIPE,
        text=True,
    )


def main() -> None:
    prepare_database(checklist.DATABASE, checklist.BENCH_ENV)
    checklist.seed()
    seeded = seed_expired()
    targets = checklist.sessions()
    port = free_port()
    server = checklist.gunicorn(port)
    try:
        checklist.wrk(port, STEP, targets, CONNECTIONS, seconds=2)  # warm up
        before = [_round(port, targets) for _ in range(ROUNDS_BESIDE)]
        run = retention()
        started = time.perf_counter()
        beside = []
        while run.poll() is None:
            beside.append(_round(port, targets))
        took = time.perf_counter() - started
        output = run.stdout.read() if run.stdout else ""
        if run.returncode:
            sys.exit(f"retention_run failed ({run.returncode}):\n{output}")
        after = [_round(port, targets) for _ in range(ROUNDS_BESIDE)]
    finally:
        server.terminate()
        server.wait(30)
    removed = int(re.search(r"^conversation: removed (\d+)$", output, re.M)[1])
    _print(seeded, removed, took, before, beside, after)


def _round(port: int, targets: list) -> dict:
    return checklist.wrk(port, STEP, targets, CONNECTIONS, seconds=SECONDS)


def _print(
    seeded: float,
    removed: int,
    took: float,
    before: list[dict],
    beside: list[dict],
    after: list[dict],
) -> None:
    print(
        f"{EXPIRED:,} conversations held three years ago, each with a participant "
        f"and a decision (seeded or topped up in {seeded:,.1f} s).\n"
    )
    # Each conversation goes with its participant and its decision: three rows.
    print(
        f"retention_run removed {removed:,} conversations in {took:,.1f} s: "
        f"{removed / took:,.0f} conversations/s, {3 * removed / took:,.0f} rows/s "
        f"(batches of the default RETENTION_BATCH_SIZE, resting {REST_RATIO} times "
        f"a batch's time after each).\n"
    )
    print(
        f"The checklist step (GET) under gunicorn (5 sync workers), wrk with "
        f"{CONNECTIONS} connections, {SECONDS} s a round; medians of the rounds.\n"
    )
    print("| checklist step | rounds | req/s | p50 ms | p95 ms | p95 vs before |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    base = statistics.median(r["p95"] for r in before)
    for name, rounds in (
        ("before the run", before),
        ("beside the run", beside),
        ("after the run", after),
    ):
        if not rounds:
            continue
        p95 = statistics.median(r["p95"] for r in rounds)
        print(
            f"| {name} | {len(rounds)} "
            f"| {statistics.median(r['rps'] for r in rounds):,.0f} "
            f"| {statistics.median(r['p50'] for r in rounds):.1f} "
            f"| {p95:.1f} | {p95 / base - 1:+.0%} |"
        )


if __name__ == "__main__":
    main()
