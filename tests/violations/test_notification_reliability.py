"""Notifications with real services: Redis stopped, a worker killed mid-send."""

import datetime
import socket
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.conftest import (
    app_env,
    redis_start,
    start_worker,
    stop,
    suite_database_url,
)
from tests.faults.stack import MailSink
from tests.violations.helpers import report
from uwvrec.celery import app as celery_app
from uwvrec.localservices import free_port
from violations.models import Notification, ViolationReport
from violations.notifications import notification_queue, notifications_requeue
from violations.tasks import requeue_notifications

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@contextmanager
def broker(url):
    """Let this process hand tasks to ``url``, the test's own Redis."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    _fresh_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_url = saved
        _fresh_pools()


def _fresh_pools():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_until(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def sent(notification):
    return Notification.objects.filter(
        pk=notification.pk, sent_at__isnull=False
    ).exists()


def requeue_all():
    return notifications_requeue(at=timezone.now() + datetime.timedelta(minutes=5))


def report_form():
    return {
        "rule": "recorded_secretly",
        "what_happened": "Telefoon nam op.",
        "happened_on": timezone.localdate().isoformat(),
        "how_established": "Zelf gezien.",
    }


def test_a_report_made_while_redis_is_down_is_notified_once_redis_is_back(
    own_redis_url,
    client,
    reporter,
    lead,
    conversation,
    tmp_path,
):
    redis_server, redis_url = own_redis_url
    port = urlsplit(redis_url).port
    stop(redis_server)
    client.force_login(reporter)
    with broker(redis_url):
        response = client.post(
            reverse("violations:report", args=[conversation.pk]), report_form()
        )
        assert response.status_code == 302  # the page works without Redis
        assert client.get(response["Location"]).status_code == 200
        note = Notification.objects.get(report=ViolationReport.objects.get())
        assert note.sent_at is None

        restarted = redis_start(port)
        worker = start_worker(
            app_env(REDIS_URL=redis_url, EMAIL_URL=f"filemail:///{tmp_path}")
        )
        try:
            assert requeue_all() == 1
            assert wait_until(lambda: sent(note))
            requeue_all()  # a late second hand-over sends nothing
            time.sleep(2)
        finally:
            stop(worker)
            stop(restarted)
    mails = list(tmp_path.iterdir())
    assert len(mails) == 1
    assert lead.email in mails[0].read_text()


@contextmanager
def silent_mail_server():
    """A mail server that accepts the connection and never answers."""
    port = free_port()
    server = socket.create_server(("127.0.0.1", port))
    held = []
    thread = threading.Thread(target=lambda: held.append(server.accept()), daemon=True)
    thread.start()
    try:
        yield port
    finally:
        for connection, _ in held:
            connection.close()
        server.close()


def locked(note):
    with transaction.atomic():
        free = Notification.objects.select_for_update(skip_locked=True).filter(
            pk=note.pk
        )
        return not free.exists()


def test_a_worker_killed_while_sending_still_delivers_exactly_once(
    own_redis_url,
    reporter,
    lead,
    conversation,
    tmp_path,
):
    _, redis_url = own_redis_url
    with silent_mail_server() as smtp_port, broker(redis_url):
        dying = start_worker(
            app_env(REDIS_URL=redis_url, EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}")
        )
        try:
            with transaction.atomic():
                made = report(reporter, conversation)
            note = Notification.objects.get(report=made)
            # The worker claimed the row and hangs talking to the mail server.
            assert wait_until(lambda: locked(note), timeout=90)
        finally:
            dying.kill()
            dying.wait()
        assert not sent(note)
        worker = start_worker(
            app_env(REDIS_URL=redis_url, EMAIL_URL=f"filemail:///{tmp_path}")
        )
        try:
            assert wait_until(lambda: not locked(note))
            requeue_all()
            assert wait_until(lambda: sent(note))
            requeue_all()
            time.sleep(2)
        finally:
            stop(worker)
    assert len(list(tmp_path.iterdir())) == 1
    note.refresh_from_db()
    assert note.attempts == 1


def attempts(note):
    return Notification.objects.get(pk=note.pk).attempts


def test_a_notification_the_mail_server_keeps_refusing_is_given_up_once_and_listed(
    own_redis_url, client, reporter, lead, conversation, admin_user
):
    _, redis_url = own_redis_url
    refusing = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    with broker(redis_url):
        worker = start_worker(
            app_env(
                REDIS_URL=redis_url, EMAIL_URL=refusing, NOTIFICATION_MAX_ATTEMPTS="3"
            )
        )
        try:
            with transaction.atomic():
                made = report(reporter, conversation)
            note = Notification.objects.get(report=made)
            assert wait_until(lambda: attempts(note) == 1)  # handed over on commit
            for expected in (2, 3):  # then by the beat task, each time it runs
                assert requeue_tasks() == 1
                assert wait_until(lambda n=expected: attempts(note) == n)
            assert requeue_tasks() == 0  # given up: never handed over again
            notification_queue(notification_id=note.pk)  # a late task sends nothing
            time.sleep(2)
        finally:
            stop(worker)
    note.refresh_from_db()
    assert (note.sent_at, note.attempts) == (None, 3)
    assert note.abandoned_at is not None

    event = AuditEvent.objects.get(action="notification.abandoned")
    assert event.object_type == "violations.notification"
    assert event.object_id == str(note.pk)
    assert (event.actor_id, event.result, event.origin) == (None, "failed", "task")
    assert event.client_ref == conversation.client.client_ref
    assert event.data == {"kind": "reported", "attempts": 3, "report": made.pk}

    # The admins find it in the admin site, apart from the ones that went out.
    delivered = Notification.objects.create(
        recipient=reporter, kind="decided", report=made, sent_at=timezone.now()
    )
    client.force_login(admin_user)
    changelist = reverse("admin:violations_notification_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "onbestelbaar" in page.text
    listed = client.get(changelist, {"bezorging": "onbestelbaar"})
    assert [n.pk for n in listed.context["cl"].result_list] == [note.pk]
    sent = client.get(changelist, {"bezorging": "verstuurd"})
    assert [n.pk for n in sent.context["cl"].result_list] == [delivered.pk]


def requeue_tasks():
    """Run the beat task as Celery beat does, a few minutes on."""
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        return requeue_notifications()


def test_after_a_failed_attempt_the_next_waits_twice_as_long_up_to_the_cap(
    own_redis_url, reporter, lead, conversation, settings
):
    from violations.notifications import notification_failed

    settings.NOTIFICATION_RESEND_AFTER_SECONDS = 60
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 100
    _, redis_url = own_redis_url
    with broker(redis_url):  # no worker: only the hand-overs are counted
        with transaction.atomic():
            note = Notification.objects.get(report=report(reporter, conversation))
        start = timezone.now() + datetime.timedelta(minutes=5)

        def seconds_later(seconds):
            return start + datetime.timedelta(seconds=seconds)

        notification_failed(notification_id=note.pk, at=start)
        assert notifications_requeue(at=seconds_later(59)) == 0
        assert notifications_requeue(at=seconds_later(60)) == 1

        notification_failed(notification_id=note.pk, at=seconds_later(60))
        # Twice 60 s would be 120 s; the cap says 100.
        assert notifications_requeue(at=seconds_later(60 + 99)) == 0
        assert notifications_requeue(at=seconds_later(60 + 100)) == 1
    note.refresh_from_db()
    assert (note.attempts, note.sent_at, note.abandoned_at) == (2, None, None)


class _SinkThatRestartsTheDatabase(MailSink):
    """A mail server that, before it accepts, ends the sender's database session.

    As a PostgreSQL restart does between the mail going out and its commit.
    """

    backend_pid = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        with psycopg.connect(suite_database_url()) as db:
            db.execute("SELECT pg_terminate_backend(%s)", [self.backend_pid])
        return await super().handle_DATA(server, session, envelope)


def test_a_mail_accepted_while_the_database_restarts_is_not_sent_again(
    own_redis_url, reporter, lead, conversation, settings
):
    from django.db import connection

    from violations.notifications import notification_deliver

    _, redis_url = own_redis_url
    with broker(redis_url), transaction.atomic():
        note = Notification.objects.get(report=report(reporter, conversation))
    sink = _SinkThatRestartsTheDatabase()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    sink.start()
    try:
        connection.ensure_connection()
        sink.backend_pid = connection.connection.info.backend_pid
        assert notification_deliver(notification_id=note.pk, at=timezone.now())
        # A second hand-over of the same task, and the beat task, send nothing.
        assert not notification_deliver(notification_id=note.pk, at=timezone.now())
        assert requeue_all() == 0
    finally:
        sink.stop()
    assert sink.received() == {f"notification-{note.pk}@uwvrec": 1}
    note.refresh_from_db()
    assert (note.sent_at is not None, note.attempts) == (True, 1)


def test_a_mail_server_that_never_answers_fails_the_attempt_in_time(
    own_redis_url, reporter, lead, conversation, settings
):
    from violations.tasks import deliver_notification

    _, redis_url = own_redis_url
    with broker(redis_url), transaction.atomic():
        note = Notification.objects.get(report=report(reporter, conversation))
    silent = socket.socket()  # accepts connections (the backlog), never greets
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    try:
        started = time.monotonic()
        result = deliver_notification.apply(kwargs={"notification_id": note.pk})
        took = time.monotonic() - started
    finally:
        silent.close()
    assert result.failed()
    assert took < settings.EMAIL_TIMEOUT + 3  # EMAIL_TIMEOUT_SECONDS (1 in tests)
    note.refresh_from_db()
    assert (note.sent_at, note.attempts) == (None, 1)
