"""Staff keep working while Redis stops, PostgreSQL restarts and a worker dies.

A stack of the test's own (gunicorn, two Celery workers, beat, PostgreSQL, Redis,
a mail server) serves a handful of simulated employees, a team lead and an
auditor over real HTTP. ``bench/bench_faults.py`` runs the same, longer and with
more people. The checks are described in ``tests/faults/checks.py``.
"""

import pytest

from tests.faults.checks import run_checked, table
from tests.faults.scenario import (
    PostgresRestart,
    RedisFreeze,
    RedisOutage,
    Scenario,
    WorkerKill,
)
from tests.faults.stack import Stack

pytestmark = pytest.mark.faults


@pytest.fixture
def stack():
    # Handed over again 3 s after a failed hand-over instead of a minute, so the
    # drain after the load is short; the beat schedule itself is as in production.
    stack = Stack("faults", env={"NOTIFICATION_RESEND_AFTER_SECONDS": "3"})
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def test_staff_work_goes_on_and_nothing_is_lost_through_faults(stack):
    scenario = Scenario(
        employees=4,
        leads=1,
        duration=34,
        recovery_allowance=8,
        faults=[
            RedisOutage(at=2, down=4),
            RedisFreeze(at=9, down=8),
            PostgresRestart(at=20, down=2),
            WorkerKill(at=27),
        ],
    )
    outcome = run_checked(stack, scenario)
    print(table(outcome))  # noqa: T201 - the run's figures, shown with -s or on failure
    assert outcome.problems == [], "\n".join(outcome.problems)
    assert outcome.facts["decisions seen recorded"] > 0
    assert outcome.facts["notifications"] > 0
