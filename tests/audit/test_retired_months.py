"""The trail ages by whole months: a month past its period is retired behind a
checkpoint, the chain verifies from it, and every way of faking that is a break.

A month can only be retired from the start of the chain, so these tests work in a
database of their own (made from a migrated template, one per test), with the
app's commands run as the operator would: ``verify_audit_trail`` (which seals
first) and ``retention_run``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from tests.conftest import BASE_DIR
from tests.environment import SUITE_SERVICES

pytestmark = pytest.mark.django_db(transaction=True)

# Months older than the trail's period (seven years), and one of now.
OLD_MONTHS = ("2017-03", "2017-04")


def _url(variable: str, database: str) -> str:
    return urlsplit(os.environ[variable])._replace(path=f"/{database}").geturl()


def _admin(sql: str) -> None:
    with psycopg.connect(
        _url("DATABASE_SUPERUSER_URL", "postgres"), autocommit=True
    ) as db:
        db.execute(sql)


@dataclass
class Trail:
    """A database of its own with a trail, and the operator's commands on it."""

    database: str
    anchors: Path

    def env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if k not in SUITE_SERVICES}
        return base | {
            "DJANGO_SETTINGS_MODULE": "uwvrec.settings.test",
            "DATABASE_URL": _url("DATABASE_URL", self.database),
            "DATABASE_APP_ROLE": os.environ["DATABASE_APP_ROLE"],
            "REDIS_URL": os.environ["REDIS_URL"],
            "AUDIT_ANCHOR_FILE": str(self.anchors),
        }

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env(),
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    def connect(self, variable: str = "DATABASE_URL") -> psycopg.Connection:
        return psycopg.connect(_url(variable, self.database), autocommit=True)

    def event(self, occurred_at: str, client_ref: str = "") -> None:
        with self.connect() as db:
            db.execute(
                "INSERT INTO audit_auditevent (occurred_at, actor_username, "
                "actor_name, actor_role, team_name, action, object_type, object_id, "
                "client_ref, result, changes, data, user_agent, request_id, origin) "
                "VALUES (%s, 'medewerker', 'Mia Medewerker', 'employee', 'Team A', "
                "'conversation.viewed', 'conversations.conversation', '1', %s, "
                "'success', '{}', '{}', '', '', 'web')",
                [occurred_at, client_ref],
            )

    def months_with_events(self, *months: str, client_ref: str = "") -> None:
        """Three events on each month's first days, then the months' partitions
        (each recorded by an event of now, chained after them)."""
        for month in months:
            for day in (1, 2, 3):
                self.event(f"{month}-{day:02d} 10:00:00+00", client_ref)
        with self.connect() as db:
            for month in months:
                db.execute(
                    "SELECT audit_make_partition(%s, 'command', '')", [f"{month}-01"]
                )

    def sql(self, query: str, params: object = None) -> list[tuple]:
        with self.connect("DATABASE_SUPERUSER_URL") as db:
            return db.execute(query, params).fetchall()

    def verify(self) -> subprocess.CompletedProcess[str]:
        return self.manage("verify_audit_trail")

    def superuser_does(self, *statements: str) -> None:
        """Run ``statements`` as a superuser who switched the chain's guards off."""
        guards = [
            f"{table}_refuse_{what}"
            for table in ("audit_auditlink", "audit_auditcheckpoint")
            for what in ("change", "truncate")
        ]
        with self.connect("DATABASE_SUPERUSER_URL") as db, db.transaction():
            for guard in guards:
                table = guard.rsplit("_refuse_", 1)[0]
                db.execute(f"ALTER TABLE {table} DISABLE TRIGGER {guard}")
            for statement in statements:
                db.execute(statement)
            for guard in guards:
                table = guard.rsplit("_refuse_", 1)[0]
                db.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {guard}")


@pytest.fixture(scope="module")
def template(django_db_setup, django_db_blocker) -> Iterator[str]:
    """A migrated database to copy, made once for the module."""
    with django_db_blocker.unblock():
        name = f"{connection.settings_dict['NAME']}_aging"
    owner = urlsplit(os.environ["DATABASE_OWNER_URL"]).username
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name} OWNER {owner}")
    env = {k: v for k, v in os.environ.items() if k not in SUITE_SERVICES} | {
        "DJANGO_SETTINGS_MODULE": "uwvrec.settings.test",
        "DATABASE_URL": _url("DATABASE_OWNER_URL", name),
        "DATABASE_APP_ROLE": os.environ["DATABASE_APP_ROLE"],
        "REDIS_URL": os.environ["REDIS_URL"],
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR, env=env, check=True, timeout=300,
    )  # fmt: skip
    yield name
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _named(prefix: str, request: pytest.FixtureRequest) -> str:
    """A database name of the test's own (pytest-xdist runs two at once)."""
    return f"{prefix}_{abs(hash(request.node.nodeid)) % 10**8}"


def _copy(template: str, name: str, anchors: Path) -> Trail:
    owner = urlsplit(os.environ["DATABASE_OWNER_URL"]).username
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name} TEMPLATE {template} OWNER {owner}")
    return Trail(database=name, anchors=anchors)


@pytest.fixture
def trail(template, tmp_path, request) -> Iterator[Trail]:
    made = _copy(template, _named(template, request), tmp_path / "anchors.jsonl")
    yield made
    _admin(f"DROP DATABASE IF EXISTS {made.database} WITH (FORCE)")


@pytest.fixture(scope="module")
def retired_template(template, tmp_path_factory) -> Iterator[Trail]:
    """A trail whose two old months were retired, to copy for each tampering."""
    made = _copy(template, f"{template}_retired",
                 tmp_path_factory.mktemp("retired") / "anchors.jsonl")  # fmt: skip
    _old_months_and_now(made)
    _retire(made)
    yield made
    _admin(f"DROP DATABASE IF EXISTS {made.database} WITH (FORCE)")


@pytest.fixture
def retired(retired_template, tmp_path, request) -> Iterator[Trail]:
    """A copy of the retired trail, with a copy of its anchor file."""
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text(retired_template.anchors.read_text())
    made = _copy(retired_template.database, _named(retired_template.database, request),
                 anchors)  # fmt: skip
    yield made
    _admin(f"DROP DATABASE IF EXISTS {made.database} WITH (FORCE)")


def _sealed(trail: Trail) -> None:
    checked = trail.verify()
    assert checked.returncode == 0, checked.stderr + checked.stdout


def _old_months_and_now(trail: Trail) -> None:
    trail.months_with_events(*OLD_MONTHS)
    with trail.connect() as db:
        db.execute(
            "INSERT INTO audit_auditevent (action, result, origin, actor_username, "
            "actor_name, actor_role, team_name, object_type, object_id, client_ref, "
            "changes, data, user_agent, request_id) VALUES ('auth.logged_in', "
            "'success', 'web', 'teamleider', 'Tess Teamleider', 'team_lead', "
            "'Team A', '', '', '', '{}', '{\"method\": \"password\"}', '', '')"
        )
    _sealed(trail)


def _retire(trail: Trail) -> str:
    ran = trail.manage("retention_run")
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def test_months_past_their_period_are_retired_and_the_trail_verifies_from_them(trail):
    _old_months_and_now(trail)
    before = trail.sql("SELECT count(*) FROM audit_auditlink")[0][0]

    assert "audit_month: removed 2" in _retire(trail)

    partitions = {name for (name,) in trail.sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'audit_auditevent'::regclass"
    )}  # fmt: skip
    assert not partitions & {"audit_auditevent_2017_03", "audit_auditevent_2017_04"}
    checkpoints = trail.sql(
        "SELECT month, first_seq, last_seq, events FROM audit_auditcheckpoint "
        "ORDER BY last_seq"
    )
    assert [(str(m), f, last, n) for m, f, last, n in checkpoints] == [
        ("2017-03-01", 1, 3, 3),
        ("2017-04-01", 4, 6, 3),
    ]
    assert trail.sql("SELECT min(seq) FROM audit_auditlink")[0][0] == 7
    assert trail.sql("SELECT count(*) FROM audit_auditlink")[0][0] < before
    copies = [json.loads(line) for line in trail.anchors.read_text().splitlines()]
    assert [c["checkpoint"]["month"] for c in copies if "checkpoint" in c] == [
        "2017-03-01",
        "2017-04-01",
    ]
    checked = trail.verify()
    assert checked.returncode == 0, checked.stderr
    assert "from the checkpoint of 2017-04" in checked.stdout


def test_the_checkpoint_digest_is_over_the_retired_links_canonical_bytes(trail):
    _old_months_and_now(trail)
    canonicals = [bytes(c) for (c,) in trail.sql(
        "SELECT canonical FROM audit_auditlink WHERE seq <= 3 ORDER BY seq"
    )]  # fmt: skip
    expected = hashlib.sha256(b"".join(c + b"\n" for c in canonicals)).hexdigest()

    _retire(trail)

    assert trail.sql(
        "SELECT digest FROM audit_auditcheckpoint WHERE month = '2017-03-01'"
    ) == [(expected,)]


def test_a_month_with_an_event_about_a_held_client_is_not_retired(trail):
    shell = trail.manage(
        "shell", "-c",
        "from django.utils import timezone\n"
        "from tests.factories import ClientFactory, UserFactory\n"
        "from privacy.models import LegalHold\n"
        "client = ClientFactory()\n"
        "LegalHold.objects.create(client=client, reason='Beroep.', "
        "case_reference='BZW-1', placed_by=UserFactory(auditor=True), "
        "placed_at=timezone.now())\n"
        "print(client.client_ref)",
    )  # fmt: skip
    assert shell.returncode == 0, shell.stderr
    held = shell.stdout.strip().splitlines()[-1]
    trail.months_with_events("2017-03", client_ref=held)
    _sealed(trail)

    assert "audit_month: removed 0" in _retire(trail)

    assert trail.sql("SELECT count(*) FROM audit_auditcheckpoint") == [(0,)]
    assert trail.verify().returncode == 0


# --- what the verification reports as a break ---


def test_a_checkpoint_rewritten_in_the_database_is_a_break(retired):
    retired.superuser_does(
        "UPDATE audit_auditcheckpoint SET digest = repeat('0', 64) "
        "WHERE month = '2017-04-01'"
    )

    checked = retired.verify()

    assert checked.returncode == 1
    assert "the checkpoint of 2017-04-01 differs from its outside copy" in (
        checked.stderr
    )


def test_a_checkpoint_without_its_outside_copy_is_a_break(retired):
    lines = retired.anchors.read_text().splitlines()
    retired.anchors.write_text(
        "\n".join(line for line in lines if "2017-04-01" not in line) + "\n"
    )

    checked = retired.verify()

    assert checked.returncode == 1
    assert "the checkpoint of 2017-04-01 has no outside copy" in checked.stderr


def test_a_month_dropped_without_a_checkpoint_is_a_break(trail):
    _old_months_and_now(trail)
    trail.superuser_does(
        "DELETE FROM audit_auditlink WHERE seq <= 3",
        "ALTER TABLE audit_auditevent DETACH PARTITION audit_auditevent_2017_03",
        "DROP TABLE audit_auditevent_2017_03",
    )

    checked = trail.verify()

    assert checked.returncode == 1
    assert "seq 1 is missing: the chain jumps to seq 4" in checked.stderr


def test_a_gap_between_the_checkpoint_and_the_next_event_is_a_break(retired):
    retired.superuser_does("DELETE FROM audit_auditlink WHERE seq = 7")

    checked = retired.verify()

    assert checked.returncode == 1
    assert "seq 7 is missing: the chain jumps to seq 8" in checked.stderr


def test_a_checkpoint_removed_from_the_database_is_a_break(retired):
    retired.superuser_does(
        "DELETE FROM audit_auditcheckpoint WHERE month = '2017-03-01'"
    )

    checked = retired.verify()

    assert checked.returncode == 1
    assert "starts at seq 4, not at seq 1" in checked.stderr


EXPORT = """
import datetime as dt, sys
from django.utils import timezone
from audit.selectors import TrailFilters
from audit.services.export import export_lines
from audit.models import AuditEvent
with open(sys.argv[1], "w", encoding="utf-8", newline="") as out:
    out.writelines(export_lines(
        file_format=sys.argv[2], events=AuditEvent.objects.order_by("id"),
        filters=TrailFilters(), at=timezone.now()))
"""


@pytest.mark.parametrize("file_format", ["jsonl", "csv"])
def test_an_export_after_retiring_goes_on_from_the_checkpoint(
    retired, tmp_path, file_format
):
    path = tmp_path / f"export.{file_format}"
    script = tmp_path / "export.py"
    script.write_text(EXPORT)
    run = f"import sys; sys.argv = ['', {str(path)!r}, {file_format!r}]; "
    made = retired.manage("shell", "-c", run + f"exec(open({str(script)!r}).read())")
    assert made.returncode == 0, made.stderr
    checker = [sys.executable, str(BASE_DIR / "audit" / "chain.py"), str(path)]

    intact = subprocess.run(checker, capture_output=True, text=True)
    assert intact.returncode == 0, intact.stdout
    # The first event after the checkpoint, made to follow another hash: a break.
    text = path.read_text()
    head = retired.sql("SELECT last_hash FROM audit_auditcheckpoint "
                       "ORDER BY last_seq DESC LIMIT 1")[0][0]  # fmt: skip
    path.write_text(text.replace(head, "f" * 64, 1))

    broken = subprocess.run(checker, capture_output=True, text=True)
    assert broken.returncode == 1
    assert "seq 7: does not link to seq 6" in broken.stdout
