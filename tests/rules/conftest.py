"""Logins to the test database other than the app's: its owner, and a superuser."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
import pytest
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


@pytest.fixture
def published_texts_removed_afterwards(django_db_setup) -> Iterator[None]:
    """Remove, as the table's owner, the texts a transactional test published.

    rules_ruletext survives the flush between transactional tests (its guard
    refuses TRUNCATE), so a test that commits new versions takes them away again.
    """
    yield
    guard = "rules_ruletext_no_update_or_delete"
    # Statement by statement: a DELETE leaves the foreign keys' checks pending until
    # its transaction ends, and ALTER TABLE refuses to run while they are.
    with connected_as(OWNER) as db:
        db.execute(f"ALTER TABLE rules_ruletext DISABLE TRIGGER {guard}")
        try:
            db.execute("DELETE FROM rules_ruletext WHERE published_by_id IS NOT NULL")
        finally:
            db.execute(f"ALTER TABLE rules_ruletext ENABLE ALWAYS TRIGGER {guard}")
