"""``make run`` for real: the processes it starts get the app's role only, and two
SIGTERMs to its process group (a terminal, systemd or a supervisor, then make
passing it on) stop every one of them, PostgreSQL and Redis included."""

import contextlib
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import BASE_DIR
from tests.environment import SUITE_SERVICES
from uwvrec.localservices import VAR_DIR, free_port

# The stack starts from nothing (initdb, every migration, the demo data).
START_TIMEOUT = 120
STOP_TIMEOUT = 30

# What `make test` passes down that would make `make run` use the test's services.
INHERITED = (*SUITE_SERVICES, "AUDIT_ANCHOR_FILE", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")

Identity = tuple[int, int]  # pid and its start time: a pid may be used again


def _stat(pid: int) -> tuple[str, int, int] | None:
    """Return the state, parent pid and start time of ``pid``; None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def _processes() -> dict[int, tuple[str, int, int]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def _alive(identity: Identity) -> bool:
    stat = _stat(identity[0])
    return stat is not None and stat[2] == identity[1] and stat[0] != "Z"


@dataclass
class Stack:
    make: subprocess.Popen[bytes]
    run_dir: Path
    address: str
    redis_port: int | None = None
    environs: dict[str, dict[str, str]] = field(default_factory=dict)

    def read_redis_port(self) -> None:
        """Remember Redis's port, from the file that lives as long as the services."""
        for line in (self.run_dir / "services.env").read_text().splitlines():
            if line.startswith("REDIS_URL="):
                self.redis_port = urlsplit(line.partition("=")[2]).port

    def members(self) -> dict[int, str]:
        """Return every live process of this stack, with its command line.

        The descendants of make, and what left that tree when it daemonised:
        PostgreSQL (named by its data directory) and Redis (by its port).
        """
        processes = _processes()
        children: dict[int, list[int]] = {}
        for pid, (_, ppid, _) in processes.items():
            children.setdefault(ppid, []).append(pid)
        marks = (str(self.run_dir), f"redis-server 127.0.0.1:{self.redis_port}")
        roots = [self.make.pid] + [
            pid for pid in processes if any(mark in _cmdline(pid) for mark in marks)
        ]
        found: dict[int, str] = {}
        while roots:
            pid = roots.pop()
            if pid not in found and pid in processes and processes[pid][0] != "Z":
                found[pid] = _cmdline(pid)
                roots.extend(children.get(pid, []))
        return found

    def identities(self) -> dict[Identity, str]:
        return {
            (pid, stat[2]): command
            for pid, command in self.members().items()
            if (stat := _stat(pid)) is not None
        }


def _serves_everything(address: str) -> bool:
    """Tell whether the app answers and PostgreSQL, Redis and a worker are up."""
    try:
        with urllib.request.urlopen(f"http://{address}/health/", timeout=5):
            return True
    except (urllib.error.URLError, OSError):
        return False


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.decode().partition("=") for item in raw.split(b"\0") if item)
    return {key: value for key, _, value in pairs}


def _kill_all(identities: dict[Identity, str]) -> None:
    for identity in identities:
        if _alive(identity):
            os.kill(identity[0], signal.SIGKILL)


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    """``make run`` in a process group and a ``var/`` directory of its own."""
    name = f"devstack-test-{os.getpid()}-{time.monotonic_ns()}"
    address = f"127.0.0.1:{free_port()}"
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    env |= {"UWVREC_RUN_NAME": name, "UWVREC_ADDRESS": address}
    make = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    running = Stack(make=make, run_dir=VAR_DIR / name, address=address)
    seen: dict[Identity, str] = {}
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _serves_everything(address):
            assert make.poll() is None, "make run ended before it served"
            assert time.monotonic() < deadline, "make run did not serve in time"
            time.sleep(0.5)
        running.read_redis_port()
        assert running.redis_port is not None
        seen = running.identities()
        running.environs = {
            command: _environ(pid)
            for (pid, _), command in seen.items()
            if "runserver" in command or "celery" in command
        }
        yield running
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                make.wait(STOP_TIMEOUT)
        _kill_all({**seen, **running.identities()})
        make.wait()
        shutil.rmtree(running.run_dir, ignore_errors=True)


def test_make_run_gives_its_processes_the_apps_database_role_only(stack):
    environs = stack.environs
    assert any("runserver" in command for command in environs)
    assert any(" worker " in command for command in environs)
    assert any(" beat " in command for command in environs)
    for command, env in environs.items():
        assert env["DATABASE_URL"].startswith("postgres://uwvrec_app:"), command
        # Only the names of what leaked: the values hold passwords.
        leaked = [
            key
            for key, value in env.items()
            if (key in {"DATABASE_OWNER_URL", "DATABASE_SUPERUSER_URL"} and value)
            or "uwvrec_owner" in value
            or "//postgres:" in value
        ]
        assert leaked == [], command


def test_two_sigterms_to_make_runs_group_stop_every_process_of_the_stack(stack):
    before = stack.identities()
    commands = " ".join(before.values())
    # make, the dev stack, runserver, worker, beat, PostgreSQL and Redis.
    for part in ("make", "uwvrec.devstack", "runserver", "worker", "beat"):
        assert part in commands
    assert "postgres -D" in commands
    assert "redis-server" in commands

    os.killpg(stack.make.pid, signal.SIGTERM)
    time.sleep(0.05)
    os.killpg(stack.make.pid, signal.SIGTERM)

    deadline = time.monotonic() + STOP_TIMEOUT
    while (left := [c for i, c in before.items() if _alive(i)]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert left == []
    assert stack.members() == {}
