"""What must hold after staff worked through the faults, and the table of the run.

After the people stopped, the background work drains (the notifications handed
over again, the audit trail sealed, as Celery beat does), and then:

- every decision, report and team lead's decision a person saw confirmed is in
  the database;
- no checklist is half-written: no conversation says ``decided`` without a
  decision, every answer (``answers_version``) and every decision has its audit
  event, every conversation its ``conversation.registered``;
- every audit event is chained and ``verify_audit_trail`` passes;
- every notification was sent, and the mail server received each exactly once;
- outside the fault windows no request failed, and no failure anywhere showed
  anything but uwvrec's own Dutch error page.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter

from tests.faults.scenario import (
    Fault,
    Outcome,
    PostgresRestart,
    RedisFreeze,
    Scenario,
    WorkerKill,
    run,
)
from tests.faults.stack import Stack, wait_until

HALF_WRITTEN = {
    "conversations marked decided without a decision": """
        SELECT c.id FROM conversations_conversation c WHERE c.status = 'decided'
        AND NOT EXISTS (SELECT 1 FROM conversations_decision d
                        WHERE d.conversation_id = c.id)""",
    "conversations whose answers lack their audit events": """
        SELECT c.id FROM conversations_conversation c
        LEFT JOIN (SELECT object_id, count(*) AS n FROM audit_auditevent
                   WHERE action = 'checklist.answered' AND result = 'success'
                   GROUP BY object_id) a ON a.object_id = c.id::text
        WHERE c.answers_version <> coalesce(a.n, 0)""",
    "conversations without conversation.registered": """
        SELECT c.id FROM conversations_conversation c WHERE NOT EXISTS (
            SELECT 1 FROM audit_auditevent e WHERE e.action = 'conversation.registered'
            AND e.object_type = 'conversations.conversation'
            AND e.object_id = c.id::text)""",
    "decisions without decision.recorded": """
        SELECT d.id FROM conversations_decision d WHERE NOT EXISTS (
            SELECT 1 FROM audit_auditevent e WHERE e.action = 'decision.recorded'
            AND e.result = 'success' AND e.object_type = 'conversations.decision'
            AND e.object_id = d.id::text)""",
    "reports without violation.reported": """
        SELECT r.id FROM violations_violationreport r WHERE NOT EXISTS (
            SELECT 1 FROM audit_auditevent e WHERE e.action = 'violation.reported'
            AND e.object_id = r.id::text)""",
    "audit events not chained": """
        SELECT e.id FROM audit_auditevent e WHERE NOT EXISTS (
            SELECT 1 FROM audit_auditlink l WHERE l.event_id = e.id)""",
    "notifications never sent": """
        SELECT n.id FROM violations_notification n WHERE n.sent_at IS NULL""",
}


def run_checked(stack: Stack, scenario: Scenario) -> Outcome:
    """Run ``scenario`` on ``stack``; return the outcome with its problems."""
    outcome = run(stack, scenario)
    check(stack, outcome)
    return outcome


def check(stack: Stack, outcome: Outcome) -> None:
    """Drain the background work, then fill ``outcome.problems`` and its facts."""
    drained = _drain(stack, outcome.scenario.drain_timeout)
    outcome.facts["drain seconds"] = drained
    _check_seen(stack, outcome)
    for problem, query in HALF_WRITTEN.items():
        if ids := [row[0] for row in stack.sql(query)]:
            outcome.problems.append(f"{problem}: {ids[:20]}")
    _check_mail(stack, outcome)
    verified = stack.manage("verify_audit_trail", "--no-seal")
    outcome.facts["verify_audit_trail"] = verified.stdout.strip() or verified.stderr
    if verified.returncode:
        outcome.problems.append(f"verify_audit_trail failed: {verified.stderr}")
    _check_requests(outcome)
    _check_faults(stack, outcome)


def _drain(stack: Stack, timeout: float) -> float:
    """Let the outbox and the sealer catch up, as beat would, sooner."""
    started = time.monotonic()

    def drained() -> bool:
        stack.send_task("violations.tasks.requeue_notifications")
        stack.send_task("audit.tasks.seal_audit_trail")
        time.sleep(1.0)
        waiting = stack.sql(
            "SELECT (SELECT count(*) FROM violations_notification "
            "WHERE sent_at IS NULL) + (SELECT count(*) FROM audit_auditpending)"
        )
        return waiting[0][0] == 0

    wait_until(drained, timeout, interval=1.0)
    return time.monotonic() - started


def _check_seen(stack: Stack, outcome: Outcome) -> None:
    seen = outcome.seen
    decisions = set(
        stack.sql("SELECT conversation_id, sequence FROM conversations_decision")
    )
    if lost := seen.decisions - decisions:
        outcome.problems.append(f"decisions seen as recorded but not stored: {lost}")
    reported = {
        row[0]
        for row in stack.sql("SELECT conversation_id FROM violations_violationreport")
    }
    if lost_reports := seen.reports - reported:
        outcome.problems.append(f"reports seen as saved but not stored: {lost_reports}")
    statuses = dict(stack.sql("SELECT id, status FROM violations_violationreport"))
    if wrong := {
        r: s for r, s in seen.report_decisions.items() if statuses.get(r) != s
    }:
        outcome.problems.append(f"report decisions seen but not stored: {wrong}")
    outcome.facts |= {
        "conversations": _count(stack, "conversations_conversation"),
        "decisions seen recorded": len(seen.decisions),
        "decisions stored": len(decisions),
        "reports seen saved": len(seen.reports),
        "report decisions seen": len(seen.report_decisions),
        "exports downloaded": seen.exports,
        "audit events": _count(stack, "audit_auditevent"),
    }


def _count(stack: Stack, table: str) -> int:
    return int(stack.sql(f"SELECT count(*) FROM {table}")[0][0])


def _check_mail(stack: Stack, outcome: Outcome) -> None:
    ids = {
        f"notification-{row[0]}@uwvrec"
        for row in stack.sql("SELECT id FROM violations_notification")
    }
    received = stack.mail.received()
    outcome.facts["notifications"] = len(ids)
    outcome.facts["mails received"] = sum(received.values())
    if missing := ids - set(received):
        outcome.problems.append(f"notifications never received: {sorted(missing)}")
    if twice := {mid: n for mid, n in received.items() if n > 1}:
        outcome.problems.append(f"notifications received more than once: {twice}")
    if stray := set(received) - ids:
        outcome.problems.append(f"mails that are no notification: {stray}")


def _check_requests(outcome: Outcome) -> None:
    outside = [e for e in outcome.entries if not outcome.inside(e) and not e.ok]
    if outside:
        outcome.problems.append(
            f"{len(outside)} requests failed outside the fault windows, first: "
            f"{outside[0].persona} {outside[0].label}: {outside[0].problem}"
        )
    if bad := [e for e in outcome.entries if e.bad_error_page]:
        outcome.problems.append(
            f"{len(bad)} error pages were not uwvrec's Dutch page, first: "
            f"{bad[0].label} HTTP {bad[0].status}"
        )
    if not any(e.ok for e in outcome.entries if e.label == "record decision"):
        outcome.problems.append("no decision was recorded at all")


def _check_faults(stack: Stack, outcome: Outcome) -> None:
    for number, fault in enumerate(outcome.scenario.faults):
        if not fault.started or not fault.restored:
            outcome.problems.append(f"{fault.title}: not injected")
            continue
        outcome.recovery[number] = _recovery(outcome, fault)
        if isinstance(fault, PostgresRestart):
            _check_in_flight(outcome, fault)
        if isinstance(fault, RedisFreeze):
            _check_frozen(outcome, fault)
        allowance = outcome.scenario.recovery_allowance
        if isinstance(fault, WorkerKill):
            outcome.recovery[number] = _delivered_after(stack, fault)
            allowance = fault.redelivery_allowance
        late = outcome.recovery[number]
        if late is not None and late > allowance:
            outcome.problems.append(f"{fault.title}: recovered only after {late:.1f} s")


def _check_in_flight(outcome: Outcome, fault: PostgresRestart) -> None:
    page = fault.in_flight
    if page is None or page.status not in (500, 503):
        status = page.status if page else "no answer"
        outcome.problems.append(
            f"the request in flight during the restart gave {status}: "
            f"{fault.in_flight_error}"
        )
    elif 'lang="nl"' not in page.body or "Traceback" in page.body:
        outcome.problems.append("the request in flight showed no Dutch error page")
    if not any(c == fault.conversation for c, _ in outcome.seen.decisions):
        outcome.problems.append(
            "the checklist cut off by the restart was not finished afterwards"
        )


def _check_frozen(outcome: Outcome, fault: RedisFreeze) -> None:
    """A request that needs Redis answers, and in time, while Redis hangs."""
    answer = fault.answer
    if answer is None or answer.status != 302 or answer.ended >= fault.restored:
        outcome.problems.append(f"{fault.title}: {fault.note}")


def _recovery(outcome: Outcome, fault: Fault) -> float:
    """Seconds from the service's return until the last failed request ended."""
    failed = [
        e.ended for e in outcome.entries if not e.ok and outcome.in_window(e, fault)
    ]
    return max(0.0, max(failed, default=fault.restored) - fault.restored)


def _delivered_after(stack: Stack, fault: WorkerKill) -> float | None:
    """Seconds from the kill until what was unsent then was delivered."""
    if not fault.outstanding:
        return None
    rows = stack.sql(
        "SELECT max(sent_at) FROM violations_notification WHERE id = ANY(%s)",
        [fault.outstanding],
    )
    last: datetime.datetime | None = rows[0][0]
    return None if last is None else last.timestamp() - fault.killed_at_wall


def table(outcome: Outcome) -> str:
    """The run as a Markdown table: requests, errors and recovery per window."""
    entries = outcome.entries
    began = outcome.began
    lines = [
        "| window | from s | to s | requests | errors | slowest s | recovery s "
        "| note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        _row("whole run", 0, outcome.ended - began, entries, None, ""),
    ]
    for number, fault in enumerate(outcome.scenario.faults):
        start, end = outcome.window(fault)
        inside = [e for e in entries if outcome.in_window(e, fault)]
        lines.append(
            _row(
                fault.title,
                start - began,
                end - began,
                inside,
                outcome.recovery.get(number),
                fault.note,
            )
        )
    outside = [e for e in entries if not outcome.inside(e)]
    lines.append(_row("outside the fault windows", None, None, outside, None, ""))
    facts = [f"- {key}: {value}" for key, value in outcome.facts.items()]
    failed = Counter(
        f"{e.label}: HTTP {e.status}" if e.status else f"{e.label}: {e.problem}"
        for e in entries
        if not e.ok
    )
    facts += [
        f"- failed: {count} times {what}" for what, count in failed.most_common(8)
    ]
    return "\n".join(lines) + "\n\n" + "\n".join(facts)


def _row(name, start, end, entries, recovery, note) -> str:  # type: ignore[no-untyped-def]
    errors = sum(not e.ok for e in entries)
    slowest = max((e.ended - e.started for e in entries), default=0.0)
    span = "" if start is None else f"{start:.1f}"
    until = "" if end is None else f"{end:.1f}"
    late = "" if recovery is None else f"{recovery:.1f}"
    return (
        f"| {name} | {span} | {until} | {len(entries)} | {errors} | {slowest:.2f} "
        f"| {late} | {note} |"
    )
