"""Fixtures of the rule texts: published versions removed after a test."""

from collections.abc import Iterator

import pytest

from tests.database_logins import OWNER, connected_as


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
