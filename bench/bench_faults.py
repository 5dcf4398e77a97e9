"""Staff at work while Redis stops, PostgreSQL restarts and a Celery worker dies.

Run through ``make bench``. It builds a stack of its own under ``var/bench-faults/``
(``tests/faults/stack.py``), not the services ``make bench`` started, so that it may
break it: PostgreSQL, Redis, a mail server that counts what it receives, gunicorn
with ``BENCH_FAULTS_WEB_WORKERS`` sync workers (default 5, as in production), two
Celery workers and beat. ``BENCH_FAULTS_EMPLOYEES`` employees (default 10), one team
lead for each of ``BENCH_FAULTS_TEAMS`` teams (default 2) and an auditor work over
HTTP for ``BENCH_FAULTS_SECONDS`` (default 240). Meanwhile Redis is stopped for
``BENCH_FAULTS_REDIS_DOWN`` seconds (default 30) and started again; Redis is frozen
(SIGSTOP, as a hung server looks) for ``BENCH_FAULTS_REDIS_FROZEN`` seconds
(default 15) while someone reports a violation; PostgreSQL is stopped and started
again (``BENCH_FAULTS_POSTGRES_DOWN``, default 5 s down, with a request in flight);
and a Celery worker is SIGKILLed while it sends a notification.

Then the same checks as the test (``tests/faults/checks.py``). Prints a Markdown
table (requests, errors and the slowest request in each fault's window, the
recovery after each fault, and outside the windows) and the facts; exits 1 when an
invariant did not hold.
"""

from __future__ import annotations

import os
import sys

from common import PROJECT_ROOT  # puts the project on sys.path

from tests.faults.checks import run_checked, table
from tests.faults.scenario import (
    PostgresRestart,
    RedisFreeze,
    RedisOutage,
    Scenario,
    WorkerKill,
)
from tests.faults.stack import Stack


def _number(name: str, default: float) -> float:
    return float(os.environ.get(f"BENCH_FAULTS_{name}", default))


SECONDS = _number("SECONDS", 240)
REDIS_DOWN = _number("REDIS_DOWN", 30)
POSTGRES_DOWN = _number("POSTGRES_DOWN", 5)
REDIS_FROZEN = _number("REDIS_FROZEN", 15)


def scenario() -> Scenario:
    """The faults spread over the run, each with time to recover before the next."""
    return Scenario(
        employees=int(_number("EMPLOYEES", 10)),
        leads=int(_number("TEAMS", 2)),
        warm_up=10,
        duration=SECONDS,
        recovery_allowance=10,
        drain_timeout=180,
        faults=[
            RedisOutage(at=SECONDS * 0.1, down=REDIS_DOWN),
            RedisFreeze(at=SECONDS * 0.35, down=REDIS_FROZEN),
            PostgresRestart(at=SECONDS * 0.55, down=POSTGRES_DOWN),
            WorkerKill(at=SECONDS * 0.75),
        ],
    )


def main() -> int:
    stack = Stack("bench-faults", web_workers=int(_number("WEB_WORKERS", 5)))
    try:
        stack.start()
        outcome = run_checked(stack, scenario())
    finally:
        stack.stop()
    print(
        f"\nFaults under load: {outcome.scenario.employees} employees, "
        f"{outcome.scenario.leads} team leads, an auditor; {SECONDS:g} s; "
        f"gunicorn with {stack.web_workers} sync workers, two Celery workers "
        f"(logs in {stack.logs.relative_to(PROJECT_ROOT)}).\n"
    )
    print(table(outcome))
    if outcome.problems:
        print("\nWhat did not hold:\n" + "\n".join(f"- {p}" for p in outcome.problems))
        return 1
    print("\nEvery invariant held.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
