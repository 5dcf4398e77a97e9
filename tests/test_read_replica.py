"""Reads from the replica: the router, the audit review's pages, the fallbacks.

The alias ``replica`` is a real streaming standby of the test server
(``tests/standby.py``) when that server allows replication, as the embedded one
does; otherwise it reads the primary's test database (Django's ``MIRROR``) and
the one test that needs a standby is skipped.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Iterator

import pytest
import structlog
import time_machine
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from audit.catalogue import Action
from audit.models import AuditEvent
from tests.audit.review import add_event, filtered_url
from tests.standby import Standby, StandbyError, standby_start, wait_for_replay
from uwvrec.db.replica import (
    REPLICA,
    forget_replica_verdict,
    reads_from_replica,
    replica_lag_seconds,
    replica_usable,
)
from uwvrec.db.routers import ReplicaRouter

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])

TRAIL = reverse("audit:trail")
EVENTS_TABLE = '"audit_auditevent"'
# Why the test server gave no standby, for the skipped test to say.
NO_STANDBY: dict[str, str] = {}


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker) -> Iterator[Standby | None]:
    """Add the alias ``replica``: a streaming standby if the server allows one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with django_db_blocker.unblock():
        try:
            started: Standby | None = standby_start(worker)
        except StandbyError as error:
            NO_STANDBY["reason"] = str(error)
            started = None
    primary = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    alias = {**primary, "TEST": {**primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS}}
    if started is not None:
        alias |= {"HOST": str(started.socket_dir), "PORT": ""}
    configured = connections.configure_settings(
        {DEFAULT_DB_ALIAS: primary, REPLICA: alias}
    )
    connections.settings[REPLICA] = configured[REPLICA]
    yield started
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    if started is not None:
        started.stop()


@pytest.fixture(autouse=True)
def fresh_verdict(standby) -> Iterator[None]:
    """Measure the replica anew in each test, and wait for it to catch up."""
    forget_replica_verdict()
    yield
    forget_replica_verdict()


def caught_up(standby: Standby | None) -> None:
    """Return once the standby has what the primary committed (at once without)."""
    if standby is not None:
        with (
            connections[DEFAULT_DB_ALIAS].cursor() as primary,
            connections[REPLICA].cursor() as replica,
        ):
            wait_for_replay(primary, replica)


def reads_of_events(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and EVENTS_TABLE in q["sql"]
    ]  # fmt: skip


def writes_of_events(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith(f"INSERT INTO {EVENTS_TABLE}")
    ]  # fmt: skip


class Queries:
    """The queries a block sends to the primary and to the replica."""

    def __enter__(self) -> Queries:
        self.primary = CaptureQueriesContext(connections[DEFAULT_DB_ALIAS])
        self.replica = CaptureQueriesContext(connections[REPLICA])
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


def primary_queries() -> CaptureQueriesContext:
    """The queries to the primary (capturing the replica's would connect to it)."""
    return CaptureQueriesContext(connections[DEFAULT_DB_ALIAS])


# --- The router -------------------------------------------------------------------

router = ReplicaRouter()


def test_writes_go_to_the_primary_inside_the_scope_too():
    assert router.db_for_write(AuditEvent) == DEFAULT_DB_ALIAS
    with reads_from_replica() as on_replica:
        assert on_replica
        assert router.db_for_write(AuditEvent) == DEFAULT_DB_ALIAS


def test_reads_outside_the_scope_go_to_the_primary():
    assert router.db_for_read(AuditEvent) == DEFAULT_DB_ALIAS
    with reads_from_replica():
        pass
    assert router.db_for_read(AuditEvent) == DEFAULT_DB_ALIAS


def test_reads_inside_the_scope_go_to_the_replica():
    with reads_from_replica():
        assert router.db_for_read(AuditEvent) == REPLICA
        assert AuditEvent.objects.all().db == REPLICA


def test_reads_inside_the_scope_go_to_the_primary_without_a_replica(monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA)
    with reads_from_replica() as on_replica:
        assert not on_replica
        assert router.db_for_read(AuditEvent) == DEFAULT_DB_ALIAS


def test_reads_inside_a_transaction_on_the_primary_go_to_the_primary():
    with reads_from_replica(), transaction.atomic():
        assert router.db_for_read(AuditEvent) == DEFAULT_DB_ALIAS


def test_only_the_primary_is_migrated():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "audit")
    assert not router.allow_migrate(REPLICA, "audit")
    assert not router.allow_migrate(REPLICA, "audit", model_name="auditevent")


# --- A real standby -----------------------------------------------------------------


def test_the_standby_streams_the_primarys_changes_and_reports_its_lag(
    standby, employee
):
    if standby is None:
        pytest.skip(f"no standby, the replica is a mirror: {NO_STANDBY['reason']}")
    event = add_event(employee)
    caught_up(standby)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
    assert AuditEvent.objects.using(REPLICA).filter(pk=event.pk).exists()
    assert 0 <= replica_lag_seconds() < 5


# --- The audit review's pages ---------------------------------------------------------


def test_an_auditors_trail_is_read_on_the_replica_and_its_view_recorded_on_the_primary(
    client, standby, auditor, employee
):
    event = add_event(employee)
    client.force_login(auditor)
    caught_up(standby)
    with Queries() as queries:
        response = client.get(TRAIL)
    assert response.status_code == 200
    assert event.pk in [row.pk for row in response.context["page"].rows]
    assert reads_of_events(queries.replica)
    assert not reads_of_events(queries.primary)
    assert len(writes_of_events(queries.primary)) == 1
    assert not writes_of_events(queries.replica)
    viewed = AuditEvent.objects.using(DEFAULT_DB_ALIAS).filter(
        actor_id=auditor.pk, action=Action.TRAIL_VIEWED
    )
    assert viewed.count() == 1


def test_an_event_and_the_verification_page_are_read_from_the_replica(
    client, standby, auditor, employee
):
    event = add_event(employee)
    client.force_login(auditor)
    caught_up(standby)
    with Queries() as queries:
        page = client.get(reverse("audit:event", args=[event.pk]))
        verification = client.get(reverse("audit:verification"))
    assert (page.status_code, verification.status_code) == (200, 200)
    assert reads_of_events(queries.replica)
    assert not reads_of_events(queries.primary)
    assert len(writes_of_events(queries.primary)) == 1  # audit.event_viewed


def test_posting_filters_keeps_the_trail_on_the_replica(client, standby, auditor):
    client.force_login(auditor)
    url = filtered_url(client, {"action": Action.LOGGED_IN})
    caught_up(standby)
    with Queries() as queries:
        assert client.get(url).status_code == 200
    assert reads_of_events(queries.replica)
    assert not reads_of_events(queries.primary)


def test_a_user_who_just_posted_reads_the_primary_for_a_while(client, standby, auditor):
    client.force_login(auditor)
    # Any request but GET may have changed something: here a refused export.
    client.post(reverse("audit:export"), {"format": "pdf"})
    with Queries() as queries:
        assert client.get(TRAIL).status_code == 200
    assert reads_of_events(queries.primary)
    assert not reads_of_events(queries.replica)
    caught_up(standby)
    with time_machine.travel(time.time() + 31), Queries() as later:
        assert client.get(TRAIL).status_code == 200
    assert reads_of_events(later.replica)
    assert not reads_of_events(later.primary)


@pytest.fixture
def replica_down(standby) -> Iterator[None]:
    """Point the alias at a socket directory where no server listens."""
    settings_dict = connections[REPLICA].settings_dict
    saved = {key: settings_dict[key] for key in ("HOST", "PORT")}
    connections[REPLICA].close()
    settings_dict |= {"HOST": "/nonexistent-uwvrec-replica", "PORT": ""}
    yield
    connections[REPLICA].close()
    settings_dict |= saved


def test_the_replica_down_the_trail_answers_from_the_primary(
    client, replica_down, auditor, employee
):
    event = add_event(employee)
    client.force_login(auditor)
    with structlog.testing.capture_logs() as logs, primary_queries() as primary:
        response = client.get(TRAIL)
    assert response.status_code == 200
    assert event.pk in [row.pk for row in response.context["page"].rows]
    assert reads_of_events(primary)
    assert "replica_unreachable" in [entry["event"] for entry in logs]


def test_the_replica_failing_halfway_the_trail_answers_from_the_primary(
    client, standby, auditor, employee
):
    event = add_event(employee)
    client.force_login(auditor)
    assert replica_usable()  # measured up: the next request starts on it
    settings_dict = connections[REPLICA].settings_dict
    saved = settings_dict["HOST"]
    connections[REPLICA].close()
    settings_dict["HOST"] = "/nonexistent-uwvrec-replica"
    try:
        with structlog.testing.capture_logs() as logs:
            response = client.get(TRAIL)
            again = client.get(TRAIL)
    finally:
        connections[REPLICA].close()
        settings_dict["HOST"] = saved
    assert (response.status_code, again.status_code) == (200, 200)
    assert event.pk in [row.pk for row in response.context["page"].rows]
    warnings = [entry["event"] for entry in logs]
    # Once: the process then keeps to the primary until it measures again.
    assert warnings.count("replica_failed_during_request") == 1
    viewed = AuditEvent.objects.filter(actor_id=auditor.pk, action=Action.TRAIL_VIEWED)
    assert viewed.count() == 2


def test_a_replica_too_far_behind_is_not_read(client, standby, auditor):
    client.force_login(auditor)
    with override_settings(DATABASE_REPLICA_MAX_LAG_SECONDS=-1), Queries() as queries:
        assert client.get(TRAIL).status_code == 200
    assert reads_of_events(queries.primary)
    assert not reads_of_events(queries.replica)


# --- Health -------------------------------------------------------------------------


def test_health_reports_the_replica(client, standby):
    assert client.get("/health/").json()["checks"]["replica"] == "ok"


def test_health_reports_a_replica_down_without_failing_for_it(client, replica_down):
    checks = client.get("/health/").json()["checks"]
    assert (checks["database"], checks["replica"]) == ("ok", "unavailable")
