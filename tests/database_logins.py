"""Logins to the test database other than the app's: its owner, and a superuser."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
from django.db import connection

OWNER = "DATABASE_OWNER_URL"
SUPERUSER = "DATABASE_SUPERUSER_URL"


@contextmanager
def connected_as(variable: str) -> Iterator[psycopg.Connection]:
    """Connect to the test database with the login in ``variable``, autocommitting."""
    url = urlsplit(os.environ[variable])
    test_database = url._replace(path="/" + connection.settings_dict["NAME"])
    with psycopg.connect(test_database.geturl(), autocommit=True) as db:
        db.execute("SET lock_timeout = '10s'")
        yield db
