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
from pathlib import Path

from uwvrec.localservices import BASE_DIR, VAR_DIR, LocalServices

ADDRESS = os.environ.get("UWVREC_ADDRESS", "127.0.0.1:8000")
PYTHON = sys.executable
MANAGE = str(BASE_DIR / "manage.py")


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [PYTHON, MANAGE, *args], env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    return result.stdout


def _prepare(env: dict[str, str]) -> str:
    """Migrate, collect static files and load the demo data; return the logins."""
    # Migrations run as the owner of the tables; everything else as the app's role.
    _manage({**env, "DATABASE_URL": env["DATABASE_OWNER_URL"]}, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return _manage(env, "load_demo_data")


def _start(env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    beat_schedule = VAR_DIR / "run" / "celerybeat-schedule"
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


def _raise_stop(_signum: int, _frame: object) -> None:
    raise _StopRequestedError


def main() -> int:
    """Run the stack until Ctrl-C, SIGTERM, or one of its processes ends."""
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    Path(VAR_DIR / "run").mkdir(parents=True, exist_ok=True)
    parent = os.getppid()
    with LocalServices("run") as urls:
        env = {**os.environ, **urls, "DJANGO_SETTINGS_MODULE": "uwvrec.settings.dev"}
        children: list[subprocess.Popen[bytes]] = []
        try:
            logins = _prepare(env)
            children = _start(env)
            _announce(logins)
            return _watch(children, parent)
        except _StopRequestedError:
            return 0
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            _stop(children)


if __name__ == "__main__":
    sys.exit(main())
