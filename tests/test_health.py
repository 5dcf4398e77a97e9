import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import BASE_DIR, app_env, start_worker, stop
from uwvrec.localservices import free_port, wait_for_port

ALL_OK = {
    "status": "ok",
    "checks": {"database": "ok", "redis": "ok", "celery": "ok"},
}


def test_health_reports_every_service_up(client, db, celery_worker_process):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == ALL_OK


def test_health_needs_no_login(client, db):
    assert client.get("/health/").status_code in {200, 503}


def _get(url: str) -> tuple[int, dict[str, object], float]:
    """GET ``url``; return the status, the JSON body and how long it took."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return response.status, json.load(response), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), time.monotonic() - started


@contextmanager
def served(env: dict[str, str]) -> Iterator[str]:
    """Serve the app under gunicorn with ``env``; yield the URL of ``/health/``."""
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "uwvrec.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "uwvrec.settings.test"},
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}/health/"
    finally:
        stop(web)


@contextmanager
def frozen(process: subprocess.Popen[bytes]) -> Iterator[None]:
    """Stop ``process`` as a hung server or a network partition looks: SIGSTOP."""
    os.kill(process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(process.pid, signal.SIGCONT)


@contextmanager
def silent_server() -> Iterator[int]:
    """A server that accepts connections and never answers: a hung PostgreSQL."""
    port = free_port()
    server = socket.create_server(("127.0.0.1", port))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield port
    finally:
        server.close()
        for connection in held:
            connection.close()


def _answer_within(url: str, seconds: float) -> tuple[int, dict[str, object]]:
    """Ask until every service is up again, or ``seconds`` passed."""
    deadline = time.monotonic() + seconds
    while True:
        status, body, _ = _get(url)
        if status == 200 or time.monotonic() > deadline:
            return status, body


# The deadline of every check; the answer may take a little longer than that.
TIMEOUT = 2.0
IN_TIME = TIMEOUT + 1.5
DOWN = {"status": "unavailable"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_health_is_503_saying_only_unavailable_when_redis_is_stopped(own_redis_url):
    redis_server, redis_url = own_redis_url
    env = app_env(REDIS_URL=redis_url, HEALTH_CHECK_TIMEOUT_SECONDS=str(TIMEOUT))
    worker = start_worker(env)
    try:
        with served(env) as url:
            assert _get(url)[:2] == (200, ALL_OK)
            stop(redis_server)
            status, body, _ = _get(url)
    finally:
        stop(worker)
    assert status == 503
    # Nothing of what went wrong (host, port, exception) reaches an anonymous caller.
    assert body == {
        **DOWN,
        "checks": {"database": "ok", "redis": "unavailable", "celery": "unavailable"},
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_health_is_503_in_time_when_redis_hangs(own_redis_url):
    redis_server, redis_url = own_redis_url
    env = app_env(REDIS_URL=redis_url, HEALTH_CHECK_TIMEOUT_SECONDS=str(TIMEOUT))
    worker = start_worker(env)
    try:
        with served(env) as url:
            assert _get(url)[:2] == (200, ALL_OK)
            with frozen(redis_server):
                first = _get(url)
                again = _get(url)  # a stuck check of the first probe holds nothing
            after = _answer_within(url, 15)
    finally:
        stop(worker)
    for status, body, took in (first, again):
        assert status == 503
        assert took < IN_TIME
        assert body == {
            **DOWN,
            "checks": {
                "database": "ok",
                "redis": "unavailable",
                "celery": "unavailable",
            },
        }
    assert after == (200, ALL_OK)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_health_is_503_in_time_when_postgresql_hangs():
    with silent_server() as port:
        hung = f"postgres://uwvrec_app:secret@127.0.0.1:{port}/uwvrec"
        env = app_env(DATABASE_URL=hung, HEALTH_CHECK_TIMEOUT_SECONDS=str(TIMEOUT))
        with served(env) as url:
            _get(url)  # the first request also waits for the app to load
            status, body, took = _get(url)
    assert status == 503
    assert took < IN_TIME
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"
