"""``make run``: the whole application on one machine, stopped as one.

Starts the local services (unless ``DATABASE_URL`` / ``REDIS_URL`` are set), migrates,
collects static files, loads the demo data, then serves the app with a Celery worker
and Celery beat. Ctrl-C or SIGTERM stops every process it started; data under
``var/`` stays for the next run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

from uwvrec.localservices import BASE_DIR, VAR_DIR, LocalServices

ADDRESS = os.environ.get("UWVREC_ADDRESS", "127.0.0.1:8000")
# The services and data of `make run` live in var/<name>/ (the tests use their own).
RUN_NAME = os.environ.get("UWVREC_RUN_NAME", "run")
RUN_DIR = VAR_DIR / RUN_NAME
PYTHON = sys.executable
MANAGE = str(BASE_DIR / "manage.py")


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [PYTHON, MANAGE, *args], env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    return result.stdout


def _prepare(env: dict[str, str], *, owner_url: str | None) -> str:
    """Migrate, collect static files and load the demo data; return the logins."""
    # Migrations run as the owner of the tables; everything else as the app's role.
    owner_url = owner_url or os.environ["DATABASE_OWNER_URL"]
    _manage({**env, "DATABASE_URL": owner_url}, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return _manage(env, "load_demo_data")


def _start(env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    beat_schedule = RUN_DIR / "celerybeat-schedule"
    commands = [
        [PYTHON, MANAGE, "runserver", "--noreload", ADDRESS],
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "uwvrec",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
        ],
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "uwvrec",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(beat_schedule),
        ],
    ]
    # Each child leads its own process group, so that stopping it stops its children.
    return [
        subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
        for command in commands
    ]


def _stop(children: list[subprocess.Popen[bytes]], timeout: float = 10.0) -> None:
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def _announce(logins: str) -> None:
    host, _, port = ADDRESS.rpartition(":")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, int(port))):
            break
        time.sleep(0.2)
    sys.stdout.write(f"\nuwvrec runs at http://{ADDRESS}/ (Ctrl-C stops it all)\n")
    sys.stdout.write(f"{logins}\n")
    sys.stdout.flush()


def _watch(children: list[subprocess.Popen[bytes]], parent: int) -> int:
    """Wait until a child ends or the parent (make) went away; return the status."""
    while all(child.poll() is None for child in children):
        if os.getppid() != parent:
            return 0
        time.sleep(0.5)
    sys.stderr.write("A process of the stack ended; stopping the others.\n")
    return 1


class _StopRequestedError(Exception):
    pass


class _Stopper:
    """Turn SIGTERM and SIGINT into one request to stop, however many arrive.

    A terminal or a supervisor signals the whole process group: make and this
    process both get the signal, and make may pass it on, so a second one often
    comes while the first is being handled. Only the first counts, and it only
    interrupts what may be left half-done (waiting, migrating); starting a service
    or a process finishes first, so that stopping knows everything to stop.
    """

    def __init__(self) -> None:
        self.requested = False
        self._interruptible = False

    def __call__(self, _signum: int, _frame: object) -> None:
        if self.requested:
            return
        self.requested = True
        if self._interruptible:
            self._interruptible = False
            raise _StopRequestedError

    @contextlib.contextmanager
    def interruptible(self) -> Iterator[None]:
        """Let a stop request raise ``_StopRequestedError`` inside this block."""
        if self.requested:
            raise _StopRequestedError
        self._interruptible = True
        try:
            yield
        finally:
            self._interruptible = False

    def check(self) -> None:
        """Raise ``_StopRequestedError`` if a stop was requested meanwhile."""
        if self.requested:
            raise _StopRequestedError


def child_env(urls: dict[str, str]) -> dict[str, str]:
    """Return the environment of the app's processes: the app's role only.

    As in production, runserver and the workers never see the owner's or the
    superuser's login; blank values keep the dev settings from reading them back
    from ``services.env`` (an operator's other terminal still finds them there).
    """
    env = {
        **os.environ,
        **urls,
        "DJANGO_SETTINGS_MODULE": "uwvrec.settings.dev",
        "DATABASE_OWNER_URL": "",
        "DATABASE_SUPERUSER_URL": "",
    }
    env.setdefault("AUDIT_ANCHOR_FILE", str(RUN_DIR / "audit-anchors.jsonl"))
    return env


def main() -> int:
    """Run the stack until Ctrl-C, SIGTERM, or one of its processes ends."""
    stopper = _Stopper()
    signal.signal(signal.SIGTERM, stopper)
    signal.signal(signal.SIGINT, stopper)
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    parent = os.getppid()
    services = LocalServices(RUN_NAME)
    children: list[subprocess.Popen[bytes]] = []
    try:
        urls = services.start()
        stopper.check()
        env = child_env(urls)
        with stopper.interruptible():
            logins = _prepare(env, owner_url=urls.get("DATABASE_OWNER_URL"))
        children = _start(env)
        stopper.check()
        with stopper.interruptible():
            _announce(logins)
            return _watch(children, parent)
    except _StopRequestedError:
        return 0
    finally:
        # From here on every signal is ignored: stopping runs to its end.
        stopper.requested = True
        try:
            _stop(children)
        finally:
            services.stop()


if __name__ == "__main__":
    sys.exit(main())
