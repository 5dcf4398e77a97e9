import datetime as dt
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from privacy.tasks import apply_retention

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _session(expires_in: dt.timedelta) -> str:
    store = SessionStore()
    store["seen"] = True
    store.set_expiry(timezone.now() + expires_in)
    store.save()
    return store.session_key


def test_the_worker_applies_retention_through_redis(celery_worker_process):
    expired = _session(-dt.timedelta(minutes=1))
    alive = _session(dt.timedelta(minutes=30))

    result = apply_retention.apply_async()
    # No result backend: wait for the effect in PostgreSQL, as an operator would.
    deadline = timezone.now() + dt.timedelta(seconds=30)
    while Session.objects.filter(pk=expired).exists():
        assert timezone.now() < deadline, f"task {result.id} had no effect in 30 s"
        time.sleep(0.1)

    assert Session.objects.filter(pk=alive).exists()
