"""A retention run killed half-way, and run again, ends as one whole run would."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from conversations.models import Conversation, Participant
from tests.conftest import BASE_DIR, app_env
from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXPIRED = 300


def retention_command(*args: str) -> list[str]:
    return [sys.executable, "manage.py", "retention_run", *args]


def test_a_run_killed_half_way_and_run_again_removes_each_expired_row_once(employee):
    old = timezone.now() - dt.timedelta(days=731)
    expired = [
        ConversationFactory(employee=employee, scheduled_at=old - dt.timedelta(hours=n))
        for n in range(EXPIRED)
    ]
    for conversation in expired:
        Participant.objects.create(
            conversation=conversation, name="Jan Derde", role="third_person"
        )
    recent = ConversationFactory(employee=employee)
    env = app_env()

    run = subprocess.Popen(
        retention_command("--batch-size", "1"), cwd=BASE_DIR, env=env
    )
    batches = AuditEvent.objects.filter(action="privacy.records_removed")
    deadline = time.monotonic() + 60
    while batches.count() < 20:
        assert run.poll() is None, "the run ended before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    run.kill()
    run.wait()

    # Half-way: every conversation is whole or gone, and each gone one is audited.
    left = set(Conversation.objects.values_list("pk", flat=True))
    gone = {c.pk for c in expired} - left
    assert 20 <= len(gone) < EXPIRED
    assert not Participant.objects.filter(conversation_id__in=gone).exists()
    assert Participant.objects.filter(conversation__in=left).count() == len(left) - 1
    assert sum(
        e.data["removed"]["conversations_conversation"][0] for e in batches
    ) == len(gone)

    subprocess.run(retention_command(), cwd=BASE_DIR, env=env, check=True)

    assert list(Conversation.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Participant.objects.exists()
    removed = [e.data["removed"]["conversations_conversation"] for e in batches.all()]
    first_ids = sorted(pk for rows, first, last in removed for pk in (first, last))
    assert sum(rows for rows, _first, _last in removed) == EXPIRED
    assert first_ids[0] == min(c.pk for c in expired)
    assert first_ids[-1] == max(c.pk for c in expired)
