"""What the benchmarks share: a database of their own on the services ``make bench``
started, reached as the app, its owner or a superuser."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from uwvrec.localservices import libpq_url  # noqa: E402


def database_url(variable: str, database: str) -> str:
    """Return the URL in the environment variable ``variable``, for ``database``."""
    return urlsplit(os.environ[variable])._replace(path=f"/{database}").geturl()


def superuser(database: str) -> psycopg.Connection:
    """Connect to ``database`` as a superuser, autocommitting."""
    return psycopg.connect(
        libpq_url(os.environ["DATABASE_SUPERUSER_URL"], database), autocommit=True
    )


def prepare_database(
    database: str, env: dict[str, str], *, migrate_existing: bool = True
) -> None:
    """Create ``database`` unless it exists, and migrate it as the tables' owner.

    It is kept between runs (seeding takes minutes), so a later run migrates what the
    code added since, unless ``migrate_existing`` is false: a benchmark whose seed
    makes tables the owner cannot grant on.
    """
    with superuser("postgres") as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {database} OWNER uwvrec_owner")
    if exists and not migrate_existing:
        return
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=PROJECT_ROOT,
        check=True,
        env=env | {"DATABASE_URL": database_url("DATABASE_OWNER_URL", database)},
    )
