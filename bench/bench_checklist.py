"""Measure a checklist step (GET and POST) against a bare Django view, under gunicorn.

Run through ``make bench`` (it starts the services and passes their URLs). It works
in a database of its own, ``uwvrec_bench_checklist``, seeded once in SQL with
``BENCH_CHECKLIST_CLIENTS`` clients (default 100,000), ``BENCH_CHECKLIST_CONVERSATIONS``
conversations (default 1,000,000) and an audit event for each, and reused by later
runs. gunicorn (5 sync workers) serves on 127.0.0.1 only; ``wrk`` loads it for
``BENCH_CHECKLIST_SECONDS`` seconds (default 10) per page, at 10 and 50 connections,
spread over many logged-in users. The pages take turns, ``BENCH_CHECKLIST_RUNS``
rounds (default 3), so that a change in the machine's load hits them alike; the table
gives the medians, and the ratio is the median of each round's own ratio. Prints a
Markdown table.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time

import psycopg
from common import PROJECT_ROOT, database_url, prepare_database, superuser
from cryptography.fernet import Fernet

from uwvrec.localservices import free_port, wait_for_port

CLIENTS = int(os.environ.get("BENCH_CHECKLIST_CLIENTS", "100000"))
CONVERSATIONS = int(os.environ.get("BENCH_CHECKLIST_CONVERSATIONS", "1000000"))
SECONDS = int(os.environ.get("BENCH_CHECKLIST_SECONDS", "10"))
RUNS = int(os.environ.get("BENCH_CHECKLIST_RUNS", "3"))
CONNECTIONS = (10, 50)
TEAMS = 100
USERS = 200  # two employees per team; each wrk request uses the next one's session
DATABASE = "uwvrec_bench_checklist"
SETTINGS = "bench.settings"


BENCH_ENV = os.environ | {
    "DATABASE_URL": database_url("DATABASE_URL", DATABASE),
    "DJANGO_SETTINGS_MODULE": SETTINGS,
    "PYTHONPATH": str(PROJECT_ROOT),
    "LOG_LEVEL": "WARNING",
}


def _python_json(code: str) -> object:
    """Run Python ``code`` with the app's settings; return the JSON it prints."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=BENCH_ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


def _settings_value(name: str) -> str:
    return _python_json(  # type: ignore[return-value]
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps(settings.{name}))"
    )


# --- seeding ---

TEAMS_SQL = """
INSERT INTO accounts_team (name, division, office)
SELECT 'Bench team ' || n, 'klant_en_service', 'Amsterdam'
FROM generate_series(1, %(teams)s::int) AS n
ON CONFLICT (name) DO NOTHING
"""
USERS_SQL = """
INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
    email, is_staff, is_active, date_joined, team_id, idp_issuer, idp_subject)
SELECT %(password)s, false, 'bench' || n, 'Bench', 'Medewerker ' || n, '', false,
       true, now(), t.id, '', ''
FROM generate_series(1, %(users)s::int) AS n
JOIN accounts_team t ON t.name = 'Bench team ' || (1 + n %% %(teams)s)
ON CONFLICT (username) DO NOTHING
"""
GROUPS_SQL = """
INSERT INTO accounts_user_groups (user_id, group_id)
SELECT u.id, g.id FROM accounts_user u, auth_group g
WHERE u.username LIKE 'bench%%' AND g.name = 'employee'
ON CONFLICT DO NOTHING
"""
CONVERSATIONS_SQL = """
INSERT INTO conversations_conversation (client_id, employee_id, team_id, channel,
    kind, scheduled_at, place, status, kind_confirmed, wish, participants_confirmed,
    uwv_reason, answers_version)
SELECT %(first_client)s + (n * 7919) %% %(clients)s, u.id, u.team_id,
       (ARRAY['face_to_face', 'phone'])[1 + n %% 2],
       (ARRAY['regular', 'regular', 'regular', 'mediation',
              'investigation_interview'])[1 + n %% 5],
       at, 'Amsterdam', CASE WHEN at < now() THEN 'held' ELSE 'planned' END,
       at < now(), CASE WHEN at < now() THEN 'no' ELSE '' END, false, '',
       CASE WHEN at < now() THEN 3 ELSE 0 END
FROM (
    SELECT n, now() - interval '330 days' + n * (interval '365 days' / %(count)s) AS at
    FROM generate_series(%(first)s::bigint, %(count)s::bigint) AS n
) seed
JOIN (SELECT id, team_id, row_number() OVER (ORDER BY id) - 1 AS slot
      FROM accounts_user WHERE username LIKE 'bench%%') u
  ON u.slot = n %% %(users)s
"""
AUDIT_SQL = """
INSERT INTO audit_auditevent (occurred_at, actor_id, actor_username, actor_name,
    actor_role, team_id, team_name, action, object_type, object_id, client_ref,
    result, data, ip, user_agent, request_id, origin)
SELECT LEAST(c.scheduled_at, now()), c.employee_id,
       'bench', 'Bench Medewerker', 'employee', c.team_id, 'Bench team',
       'conversation.registered', 'conversations.conversation', c.id::text,
       'klant-bench', 'success', '{}'::jsonb, '127.0.0.1'::inet, 'wrk',
       md5(c.id::text), 'web'
FROM conversations_conversation c WHERE c.id > %(after)s
"""


def _count(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def seed() -> float | None:
    """Seed clients, conversations and their audit trail; return the seconds taken."""
    with superuser(DATABASE) as conn:
        if _count(conn, "conversations_conversation") >= CONVERSATIONS:
            return None
        started = time.perf_counter()
        conn.execute(TEAMS_SQL, {"teams": TEAMS})
        conn.execute(USERS_SQL, {"password": "!", "users": USERS, "teams": TEAMS})
        conn.execute(GROUPS_SQL)
        _seed_clients(conn)
        first_client = conn.execute(
            "SELECT min(id) FROM conversations_client"
        ).fetchone()[0]
        have = _count(conn, "conversations_conversation")
        last_id = conn.execute(
            "SELECT coalesce(max(id), 0) FROM conversations_conversation"
        ).fetchone()[0]
        conn.execute(
            CONVERSATIONS_SQL,
            {
                "first_client": first_client,
                "clients": CLIENTS,
                "count": CONVERSATIONS,
                "first": have + 1,
                "users": USERS,
            },
        )
        _seed_audit(conn, last_id)
        conn.execute("VACUUM ANALYZE")
        return time.perf_counter() - started


COPY_CLIENTS = (
    "COPY conversations_client (display_name, bsn_encrypted, bsn_hash) FROM STDIN"
)


def _seed_clients(conn: psycopg.Connection) -> None:
    """Clients with real encrypted BSNs and keyed hashes, by COPY."""
    have = _count(conn, "conversations_client")
    if have >= CLIENTS:
        return
    keys = _settings_value("BSN_ENCRYPTION_KEYS")
    hash_key = _settings_value("BSN_HASH_KEY").encode()
    fernet = Fernet(keys[0].encode())
    with (
        conn.cursor() as cursor,
        cursor.copy(COPY_CLIENTS) as copy,
    ):
        for number in range(have, CLIENTS):
            bsn = _bsn(number)
            copy.write_row(
                (
                    f"Klant {number}",
                    fernet.encrypt(bsn.encode()).decode(),
                    hmac.new(hash_key, bsn.encode(), hashlib.sha256).hexdigest(),
                )
            )


def _bsn(number: int) -> str:
    """Return a nine-digit number passing the eleven-test, unique to ``number``.

    Of the prefixes 2n and 2n + 1 (their check sums differ by 2) at least one has
    a check digit below 10.
    """
    for prefix in (20_000_000 + 2 * number, 20_000_001 + 2 * number):
        digits = [int(d) for d in str(prefix)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return f"{prefix}{check}"
    raise AssertionError(number)


def _seed_audit(conn: psycopg.Connection, after: int) -> None:
    """One event per new conversation, in monthly partitions, as the app has them."""
    conn.execute("SELECT audit_ensure_partitions(1)")
    for month in range(13):
        _make_month(conn, month)
    conn.execute(
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_enqueue"
    )
    conn.execute(AUDIT_SQL, {"after": after})
    conn.execute(
        "ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_enqueue"
    )


MONTH_SQL = """
SELECT m::date, (m + interval '1 month')::date FROM (
    SELECT date_trunc('month', now() AT TIME ZONE 'UTC') - %s * interval '1 month' AS m
) month
"""


def _make_month(conn: psycopg.Connection, back: int) -> None:
    start, end = conn.execute(MONTH_SQL, [back]).fetchone()
    name = f"audit_auditevent_{start:%Y_%m}"
    if conn.execute("SELECT to_regclass(%s)", [name]).fetchone()[0]:
        return
    conn.execute(
        f"CREATE TABLE {name} PARTITION OF audit_auditevent FOR VALUES "
        f"FROM ('{start:%Y-%m-%d} 00:00:00+00') TO ('{end:%Y-%m-%d} 00:00:00+00')"
    )
    conn.execute("SELECT audit_guard_partition(%s)", [name])
    # As the app's own partitions: the owner's, so `migrate` can grant on it.
    conn.execute(f"ALTER TABLE {name} OWNER TO uwvrec_owner")


# --- logged-in users and the pages they load ---

SESSIONS = """
import json, sys, django
django.setup()
from django.test import Client
from conversations.models import Conversation
from accounts.models import User
targets = []
for user in User.objects.filter(username__startswith="bench").order_by("id"):
    conversation = (Conversation.objects.filter(team_id=user.team_id, status="planned")
                    .order_by("id").first())
    Conversation.objects.filter(pk=conversation.pk).update(kind_confirmed=True)
    client = Client()
    client.force_login(user)
    targets.append({"session": client.cookies["sessionid"].value,
                    "conversation": conversation.pk})
json.dump(targets, sys.stdout)
"""

WRK_SCRIPT = """
local targets = {%(targets)s}
local index = 0
local token = "%(token)s"
wrk.method = "%(method)s"
wrk.body = "%(body)s"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-CSRFToken"] = token

request = function()
  index = index %% #targets + 1
  local target = targets[index]
  wrk.headers["Cookie"] = "sessionid=" .. target[1] .. "; csrftoken=" .. token
  return wrk.format(nil, string.format("%(path)s", target[2]))
end

done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests,
      summary.duration, latency:percentile(50), latency:percentile(95), bad))
end
"""

PAGES = (
    ("checklist step GET", "GET", "/gesprekken/%d/checklist/opnemen/", ""),
    ("checklist step POST", "POST", "/gesprekken/%d/checklist/opnemen/", "wish=audio"),
    ("bare view GET (1 query)", "GET", "/bench/bare/%d/", ""),
)


def sessions() -> list[dict[str, int | str]]:
    return _python_json(SESSIONS)  # type: ignore[return-value]


def gunicorn(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "uwvrec.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "5",
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=PROJECT_ROOT,
        env=BENCH_ENV,
    )
    wait_for_port(port)
    return process


def wrk(
    port: int,
    page: tuple[str, str, str, str],
    targets: list,
    conns: int,
    seconds: int = SECONDS,
) -> dict:
    """Load one page for ``seconds`` with ``conns`` connections; return figures."""
    _, method, path, body = page
    token = "".join(
        secrets.choice(string.ascii_letters + string.digits) for _ in range(32)
    )
    lua = WRK_SCRIPT % {
        "targets": ", ".join(
            f'{{"{t["session"]}", {t["conversation"]}}}' for t in targets
        ),
        "token": token,
        "method": method,
        "body": body,
        "path": path,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        result = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(conns),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(script.name)
    output = result.stdout
    if "RESULT" not in output:
        raise RuntimeError(f"wrk printed no result:\n{output}{result.stderr}")
    requests, micros, p50, p95, bad = map(
        int, re.search(r"RESULT (.*)", output)[1].split()
    )
    return {
        "rps": requests / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "bad": bad,
    }


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs Debian's wrk")
    prepare_database(DATABASE, BENCH_ENV)
    seeded = seed()
    targets = sessions()
    port = free_port()
    server = gunicorn(port)
    rounds: dict[int, list[dict[str, dict]]] = {}
    try:
        for conns in CONNECTIONS:
            for page in PAGES:
                wrk(port, page, targets, conns, seconds=2)  # warm up
            rounds[conns] = [
                {page[0]: wrk(port, page, targets, conns) for page in PAGES}
                for _ in range(RUNS)
            ]
    finally:
        server.terminate()
        server.wait(30)
    _print(rounds, seeded)


def _print(rounds: dict[int, list[dict[str, dict]]], seeded: float | None) -> None:
    if seeded is not None:
        print(
            f"Seeded {CLIENTS:,} clients and {CONVERSATIONS:,} conversations "
            f"(with their audit events) in {seeded:,.1f} s.\n"
        )
    print(
        f"gunicorn, 5 sync workers; wrk, {SECONDS} s per page and round; {USERS} "
        f"logged-in users; medians of {RUNS} rounds in which the pages take turns.\n"
    )
    print(
        "| page | connections | req/s | p50 ms | p95 ms | errors (all rounds) "
        "| ratio to bare "
        "| ratio per round |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    bare = PAGES[-1][0]
    for conns, runs in rounds.items():
        for name, *_ in PAGES:
            ratios = [
                run[name]["rps"] / run[bare]["rps"] if run[bare]["rps"] else 0.0
                for run in runs
            ]
            median = {
                key: statistics.median(run[name][key] for run in runs)
                for key in ("rps", "p50", "p95")
            }
            errors = sum(run[name]["bad"] for run in runs)
            print(
                f"| {name} | {conns} | {median['rps']:,.0f} | {median['p50']:.1f} | "
                f"{median['p95']:.1f} | {errors} | {statistics.median(ratios):.2f} | "
                f"{', '.join(f'{ratio:.2f}' for ratio in ratios)} |"
            )


if __name__ == "__main__":
    main()
