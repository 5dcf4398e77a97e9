"""The client's stored flag against its reports: the check, its command, its task."""

import datetime
import importlib
import io
import threading
import time

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from conversations.models import Client, ClientFlag
from tests.conftest import app_env, start_worker, stop
from tests.factories import UserFactory
from tests.violations.helpers import confirmed, next_conversation, report
from tests.violations.test_notification_reliability import broker
from violations.consistency import (
    FlagMismatch,
    _mismatch_under_lock,
    client_flag_mismatches,
)
from violations.services import (
    violation_confirm,
    violation_dismiss,
    violation_withdraw,
)
from violations.tasks import check_client_flags

pytestmark = pytest.mark.django_db

backfill = importlib.import_module(
    "violations.migrations.0006_client_flags_from_reports"
)


def stored(client):
    return Client.objects.get(pk=client.pk).flag


def command():
    """Run ``check_client_flags``; return its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_client_flags", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def behind_the_services_back(client, report_id, happened_on, rule):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE conversations_client SET flag_report_id = %s, flagged_on = %s, "
            "flag_rule = %s WHERE id = %s",
            [report_id, happened_on, rule, client.pk],
        )


def test_the_flag_agrees_after_confirm_withdraw_and_confirm_again(
    reporter, lead, conversation
):
    client = conversation.client
    assert (client_flag_mismatches(), stored(client)) == ([], None)

    first = confirmed(reporter, lead, conversation)
    assert stored(client) == ClientFlag(first.pk, first.happened_on, first.rule)
    assert client_flag_mismatches() == []

    violation_withdraw(actor=lead, report=first, reason="Fout", at=timezone.now())
    assert stored(client) is None
    assert client_flag_mismatches() == []

    later = next_conversation(reporter, conversation)
    second = confirmed(reporter, lead, later, "video_recorded")
    assert stored(client) == ClientFlag(second.pk, second.happened_on, "video_recorded")
    assert client_flag_mismatches() == []
    assert command()[0] == 0


def test_a_dismissed_report_leaves_the_flag_as_it_was(reporter, lead, conversation):
    first = confirmed(reporter, lead, conversation)
    other = report(
        reporter, next_conversation(reporter, conversation), "video_recorded"
    )
    violation_dismiss(actor=lead, report=other, reason="Nee", at=timezone.now())
    assert stored(conversation.client) == ClientFlag(
        first.pk, first.happened_on, first.rule
    )
    assert client_flag_mismatches() == []


def test_the_most_recently_decided_report_flags_the_client(
    reporter, lead, conversation
):
    older = report(reporter, conversation)
    newer = report(
        reporter, next_conversation(reporter, conversation), "video_recorded"
    )
    violation_confirm(actor=lead, report=newer, reason="Ja", at=timezone.now())
    earlier = timezone.now() - datetime.timedelta(hours=1)
    violation_confirm(actor=lead, report=older, reason="Ja", at=earlier)
    assert stored(conversation.client).report_id == newer.pk
    assert client_flag_mismatches() == []


def test_a_flag_changed_behind_the_services_back_is_named(reporter, lead, conversation):
    flagged = confirmed(reporter, lead, conversation)
    behind_the_services_back(conversation.client, None, None, "")
    [mismatch] = client_flag_mismatches()
    assert mismatch.client_ref == conversation.client.client_ref
    assert mismatch.expected == ClientFlag(
        flagged.pk, flagged.happened_on, flagged.rule
    )
    assert mismatch.stored is None

    code, out, err = command()
    assert code == 1
    assert out == ""
    assert conversation.client.client_ref in err
    assert f"expected report {flagged.pk} (recorded_secretly, " in err
    assert "stored not flagged" in err
    assert "1 clients' stored flags differ" in err
    assert conversation.client.bsn not in err


def test_a_report_confirmed_between_the_checks_two_reads_is_no_mismatch(
    reporter, lead, conversation
):
    # What the check's first look says when a lead confirms a report between its
    # read of the reports (none flags) and its read of the clients (flagged).
    first = confirmed(reporter, lead, conversation)
    client = conversation.client
    glance = FlagMismatch(client.pk, client.client_ref, None, stored(client))
    assert _mismatch_under_lock(glance) is None
    behind_the_services_back(client, None, None, "")
    assert _mismatch_under_lock(glance) == FlagMismatch(
        client.pk,
        client.client_ref,
        ClientFlag(first.pk, first.happened_on, first.rule),
        None,
    )


def test_a_flag_stored_without_a_report_that_flags_is_named(reporter, conversation):
    made = report(reporter, conversation)  # reported, not confirmed
    behind_the_services_back(conversation.client, made.pk, made.happened_on, made.rule)
    [mismatch] = client_flag_mismatches()
    assert (mismatch.expected, mismatch.stored) == (
        None,
        ClientFlag(made.pk, made.happened_on, made.rule),
    )
    code, _, err = command()
    assert code == 1
    assert f"expected not flagged, stored report {made.pk}" in err
    assert conversation.client.bsn not in err


def test_the_command_says_so_when_every_flag_agrees(reporter, lead, conversation):
    confirmed(reporter, lead, conversation)
    code, out, err = command()
    assert (code, err) == (0, "")
    assert "client flags correct" in out


def test_the_nightly_task_mails_the_admins_and_auditors_on_a_mismatch(
    reporter, lead, conversation, mailoutbox
):
    UserFactory(auditor=True, email="auditor@uwv.example")
    UserFactory(admin=True, email="beheer@uwv.example")
    confirmed(reporter, lead, conversation)
    assert check_client_flags.apply().get() == 0
    assert mailoutbox == []

    behind_the_services_back(conversation.client, None, None, "")
    assert check_client_flags.apply().get() == 1
    [mail] = mailoutbox
    assert sorted(mail.to) == ["auditor@uwv.example", "beheer@uwv.example"]
    assert "signaleringen" in mail.subject
    assert "Bij 1 klanten" in mail.body
    assert "check_client_flags" in mail.body
    assert conversation.client.client_ref not in mail.body
    assert conversation.client.bsn not in mail.body


def test_the_migration_fills_the_flags_from_the_reports_and_empties_them_back(
    reporter, lead, conversation
):
    first = confirmed(reporter, lead, conversation)
    withdrawn = confirmed(
        reporter, lead, conversation, "video_recorded", other_than_earlier=True
    )
    violation_withdraw(actor=lead, report=withdrawn, reason="Fout", at=timezone.now())
    behind_the_services_back(conversation.client, None, None, "")
    assert len(client_flag_mismatches()) == 1

    backfill.fill(apps, None)
    assert stored(conversation.client) == ClientFlag(
        first.pk, first.happened_on, first.rule
    )
    assert client_flag_mismatches() == []

    backfill.empty(apps, None)
    assert stored(conversation.client) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_runs_in_a_real_worker_and_mails_a_mismatch(
    own_redis_url, reporter, lead, conversation, tmp_path
):
    _, redis_url = own_redis_url
    UserFactory(admin=True, email="beheer@uwv.example")
    confirmed(reporter, lead, conversation)
    behind_the_services_back(conversation.client, None, None, "")
    worker = start_worker(
        app_env(REDIS_URL=redis_url, EMAIL_URL=f"filemail:///{tmp_path}")
    )
    try:
        with broker(redis_url):
            check_client_flags.apply_async()
        deadline = time.monotonic() + 30
        while not any(tmp_path.iterdir()):
            assert time.monotonic() < deadline, "no alert mailed in 30 s"
            time.sleep(0.2)
    finally:
        stop(worker)
    [mail] = [path.read_text() for path in tmp_path.iterdir()]
    assert "beheer@uwv.example" in mail
    assert conversation.client.client_ref not in mail


@pytest.mark.django_db(transaction=True)
def test_two_leads_deciding_on_one_client_at_once_take_turns(
    own_redis_url, reporter, lead, other_lead, conversation
):
    # The messages the decisions queue go to a Redis of the test's own, which no
    # worker reads: the suite's worker would read the tables while they are
    # emptied after the test.
    with broker(own_redis_url[1]):
        _two_leads_take_turns(reporter, lead, other_lead, conversation)


def _two_leads_take_turns(reporter, lead, other_lead, conversation):
    later = report(reporter, conversation)
    earlier = report(
        reporter, next_conversation(reporter, conversation), "video_recorded"
    )
    now = timezone.now()
    holding, release, done = threading.Event(), threading.Event(), threading.Event()

    def confirm_later_and_hold():
        try:
            with transaction.atomic():
                violation_confirm(actor=lead, report=later, reason="Ja", at=now)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    def confirm_earlier():
        try:
            at = now - datetime.timedelta(hours=1)
            violation_confirm(actor=other_lead, report=earlier, reason="Ja", at=at)
            done.set()
        finally:
            connections.close_all()

    first = threading.Thread(target=confirm_later_and_hold)
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=confirm_earlier)
    second.start()
    assert not done.wait(1)  # waits for the client's row
    release.set()
    first.join(30)
    second.join(30)
    assert not first.is_alive()
    assert not second.is_alive()
    assert done.is_set()
    # The one decided last flags the client, though it committed first.
    assert stored(conversation.client).report_id == later.pk
    assert client_flag_mismatches() == []
