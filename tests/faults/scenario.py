"""Staff at work while Redis stops, PostgreSQL restarts and a worker is killed.

``run`` starts the people, injects the faults on schedule, stops the people and
returns an ``Outcome``: every request with its time and result, what the people
saw confirmed, and the faults with their times. ``tests.faults.checks`` then
drains the background work and fills in the problems and the recovery times.

A fault that needs a person at a precise moment (a request waiting on a lock when
PostgreSQL stops, a report while Redis hangs) uses the probe, an employee of its
own, so that the load's people keep to their own rhythm.
"""

from __future__ import annotations

import threading
import time
from dataclasses import astuple, dataclass, field
from typing import Any

from tests.faults.browser import Entry, Hiccup, Page, RequestLog
from tests.faults.people import (
    CREATE_STAFF,
    PASSWORD,
    Auditor,
    Employee,
    Person,
    Seen,
    TeamLead,
    app_key,
    report_form,
    staff_accounts,
)
from tests.faults.stack import Stack, wait_until


@dataclass
class Fault:
    """One fault, at ``at`` seconds into the load; times are ``time.monotonic``."""

    at: float
    started: float = 0.0
    restored: float = 0.0
    note: str = ""

    @property
    def title(self) -> str:
        raise NotImplementedError

    def inject(self, stack: Stack, probe: Employee) -> None:
        raise NotImplementedError


@dataclass
class RedisOutage(Fault):
    down: float = 30.0

    @property
    def title(self) -> str:
        return f"Redis stopped for {self.down:g} s"

    def inject(self, stack: Stack, probe: Employee) -> None:
        self.started = time.monotonic()
        stack.redis_stop()
        time.sleep(self.down)
        stack.redis_start()
        self.restored = time.monotonic()


@dataclass
class RedisFreeze(Fault):
    """Freeze Redis while someone reports a violation (its notification needs it)."""

    down: float = 8.0
    answer: Entry | None = None

    @property
    def title(self) -> str:
        return f"Redis frozen for {self.down:g} s"

    def inject(self, stack: Stack, probe: Employee) -> None:
        conversation = probe.start_call()
        probe.run_checklist(conversation)
        self.started = time.monotonic()
        stack.redis_freeze()
        request = threading.Thread(target=self._report, args=(probe, conversation))
        request.start()
        time.sleep(self.down)
        stack.redis_thaw()
        self.restored = time.monotonic()
        request.join(60)
        answered = self.answer is not None and self.answer.ended < self.restored
        self.note = (
            f"a report answered HTTP {self.answer.status} while Redis was frozen"
            if answered and self.answer
            else "a report got no answer while Redis was frozen"
        )

    def _report(self, probe: Employee, conversation: int) -> None:
        path = f"/overtredingen/melden/{conversation}/"
        try:
            probe.browser.post(path, "report (Redis frozen)", report_form())
            probe.seen.add("report", conversation)
        except Hiccup:
            pass
        self.answer = probe.browser.last_entry


@dataclass
class PostgresRestart(Fault):
    """Stop PostgreSQL while a request waits on a row lock, then start it again."""

    down: float = 2.0
    in_flight: Page | None = None
    in_flight_error: str = ""
    conversation: int = 0
    resumed: threading.Thread | None = None

    @property
    def title(self) -> str:
        return f"PostgreSQL restarted ({self.down:g} s down)"

    def inject(self, stack: Stack, probe: Employee) -> None:
        conversation = probe.start_call()
        step = f"/gesprekken/{conversation}/checklist/soort/"
        probe.browser.post(step, "answer soort", {"kind": "regular"})
        held = stack.superuser_connection()
        held.execute(
            "SELECT id FROM conversations_conversation WHERE id = %s FOR UPDATE",
            [conversation],
        )
        request = threading.Thread(target=self._post_wish, args=(probe, conversation))
        request.start()
        if not wait_until(lambda: _waiting_on_lock(stack), timeout=15, interval=0.1):
            self.note = "no request was waiting on the lock"
        self.started = time.monotonic()
        stack.postgres_stop()
        request.join(60)
        held.close()
        if self.in_flight is not None:
            self.note = f"the request in flight got HTTP {self.in_flight.status}"
        time.sleep(self.down)
        stack.postgres_start()
        self.restored = time.monotonic()
        # The person whose request failed carries on with the same checklist.
        self.resumed = threading.Thread(
            target=probe.run_checklist, args=(conversation,)
        )
        self.resumed.start()
        self.conversation = conversation

    def _post_wish(self, probe: Employee, conversation: int) -> None:
        path = f"/gesprekken/{conversation}/checklist/opnemen/"
        try:
            probe.browser.post(path, "answer opnemen (in flight)", {"wish": "audio"})
            self.in_flight_error = "the request in flight succeeded"
        except Hiccup as error:
            self.in_flight_error = str(error)
        self.in_flight = probe.browser.last_page


def _waiting_on_lock(stack: Stack) -> bool:
    rows = stack.sql(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'uwvrec_app' "
        "AND wait_event_type = 'Lock'"
    )
    return rows[0][0] > 0


@dataclass
class WorkerKill(Fault):
    """SIGKILL a Celery worker while it hands a notification to the mail server."""

    worker: str = "worker1"
    # What was unsent at the kill waits for the outbox to hand it over again:
    # NOTIFICATION_RESEND_AFTER_SECONDS, then beat's next run (every minute).
    redelivery_allowance: float = 150.0
    outstanding: list[int] = field(default_factory=list)
    killed_at_wall: float = 0.0

    @property
    def title(self) -> str:
        return "a Celery worker SIGKILLed"

    def inject(self, stack: Stack, probe: Employee) -> None:
        # Hold the mail server, so that a worker is busy sending when it dies.
        stack.mail.held.set()
        wait_until(lambda: stack.mail.waiting > 0, timeout=10, interval=0.1)
        busy = stack.busy_workers() if stack.mail.waiting else []
        self.worker = busy[0] if busy else self.worker
        self.note = "while it was sending a notification" if busy else "while idle"
        self.started = time.monotonic()
        self.killed_at_wall = time.time()
        stack.worker_kill(self.worker)
        self.outstanding = [
            row[0]
            for row in stack.sql(
                "SELECT id FROM violations_notification WHERE sent_at IS NULL"
            )
        ]
        stack.mail.held.clear()
        self.restored = time.monotonic()


@dataclass
class Scenario:
    employees: int = 4
    leads: int = 1
    auditors: int = 1  # 0 or 1
    warm_up: float = 4.0
    duration: float = 30.0
    faults: list[Fault] = field(default_factory=list)
    recovery_allowance: float = 10.0  # after a service is back, errors may go on
    drain_timeout: float = 60.0


@dataclass
class Outcome:
    scenario: Scenario
    entries: list[Entry]
    seen: Seen
    began: float
    ended: float
    problems: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    recovery: dict[int, float | None] = field(default_factory=dict)

    def window(self, fault: Fault) -> tuple[float, float]:
        """From the fault until the allowance after its end, or the next fault."""
        end = fault.restored + self.scenario.recovery_allowance
        later = [f.started for f in self.scenario.faults if f.started > fault.started]
        return fault.started, min([end, *later])

    def in_window(self, entry: Entry, fault: Fault) -> bool:
        """A request belongs to the window in which it ended: when it failed."""
        start, end = self.window(fault)
        return start <= entry.ended <= end

    def inside(self, entry: Entry) -> bool:
        return any(self.in_window(entry, fault) for fault in self.scenario.faults)


def run(stack: Stack, scenario: Scenario) -> Outcome:
    """Run the staff against ``stack`` with the faults; return what happened."""
    accounts = staff_accounts(scenario.employees, scenario.leads)
    app_keys = {
        a.username: app_key(a.username) for a in accounts if a.role != "employee"
    }
    stack.django(CREATE_STAFF, [astuple(a) for a in accounts], PASSWORD, app_keys)
    log, seen, stop = RequestLog(), Seen(), threading.Event()
    people = _people(stack, scenario, log, seen, stop)
    probe = Employee(
        "probe", stack.web_port, log, seen, stop, number=99, report_every=0
    )
    probe.log_in()
    began = time.monotonic()
    for person in people:
        person.start()
    for fault in sorted(scenario.faults, key=lambda f: f.at):
        _sleep_until(began + scenario.warm_up + fault.at)
        _probe_free(scenario)
        fault.inject(stack, probe)
    _sleep_until(began + scenario.warm_up + scenario.duration)
    stop.set()
    for person in people:
        person.join(90)
    _probe_free(scenario)
    ended = time.monotonic()
    outcome = Outcome(scenario, log.snapshot(), seen, began, ended)
    outcome.problems += [f"{p.name}: {p.failure!r}" for p in people if p.failure]
    return outcome


def _people(
    stack: Stack, scenario: Scenario, log: RequestLog, seen: Seen, stop: threading.Event
) -> list[Person]:
    """A thread per account, but the probe (it works for the faults only)."""
    port = stack.web_port
    people: list[Person] = []
    accounts = staff_accounts(scenario.employees, scenario.leads)
    for number, account in enumerate(accounts):
        if account.role == "employee" and account.username != "probe":
            people.append(
                Employee(account.username, port, log, seen, stop, number=number)
            )
        elif account.role == "team_lead":
            people.append(TeamLead(account.username, port, log, seen, stop))
        elif account.role == "auditor" and scenario.auditors:
            people.append(Auditor(account.username, port, log, seen, stop))
    return people


def _probe_free(scenario: Scenario) -> None:
    """Wait until the probe finished the checklist a restart cut off."""
    for fault in scenario.faults:
        if isinstance(fault, PostgresRestart) and fault.resumed is not None:
            fault.resumed.join(90)


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))
