"""The notification outbox: stored with the change, sent by Celery exactly once.

A notification row is written in the transaction of the report or decision it is
about. After the commit it is handed to Celery; when the broker is away, the row
waits and ``notifications_requeue`` (Celery beat, every minute) hands it over
again; after a failed attempt not before ``retry_at``, which doubles the wait
each time. ``notification_deliver`` claims the row (``FOR UPDATE SKIP LOCKED``), sends
the e-mail and marks it sent in one transaction, so a second delivery of the same
task finds it sent, or locked by the first, and sends nothing. A notification whose
sending failed ``NOTIFICATION_MAX_ATTEMPTS`` times is given up (``abandoned_at``),
audited once, and shown to the admins as undeliverable.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.catalogue import Result
from audit.payloads import NOTIFICATION_ABANDONED
from audit.services.record import audit_record
from violations.access import may_handle_report
from violations.models import Notification, ViolationReport

logger = logging.getLogger(__name__)

# One reconnect (a pooled connection may be stale after Redis came back), then
# give up quickly: the request must not wait for a broker that is away.
RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# How long a worker waits for the database to record a notification that the mail
# server accepted while the database was away.
MARK_SENT_WITHIN = datetime.timedelta(seconds=30)

SUBJECTS = {
    Notification.Kind.REPORTED: _("Nieuwe melding van een overtreding"),
    Notification.Kind.DECIDED: _("Besluit over uw melding van een overtreding"),
    Notification.Kind.WITHDRAWN: _("Bevestigde overtreding ingetrokken"),
}


class NotificationSentUnrecordedError(Exception):
    """The mail server accepted a notification, but the database never came back.

    Not a failed attempt: counting it would send the notification again.
    """


def notification_create(
    *, recipient: User, kind: Notification.Kind, report: ViolationReport
) -> Notification:
    """Store the intent to notify in the current transaction; send after commit."""
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, report=report
    )
    transaction.on_commit(lambda: notification_queue(notification_id=notification.pk))
    return notification


def notification_queue(*, notification_id: int) -> bool:
    """Hand a notification to Celery; a broker that is away is logged, not raised.

    The row stays unsent, so the beat task hands it over again later.
    """
    from violations.tasks import deliver_notification

    try:
        deliver_notification.apply_async(
            kwargs={"notification_id": notification_id}, retry_policy=RETRY
        )
    except Exception:  # the broker's errors differ per transport
        logger.warning(
            "notification_not_queued",
            extra={"notification_id": notification_id},
            exc_info=True,
        )
        return False
    return True


def notifications_requeue(*, at: datetime.datetime) -> int:
    """Hand unsent notifications older than the grace period to Celery again."""
    grace = datetime.timedelta(seconds=settings.NOTIFICATION_RESEND_AFTER_SECONDS)
    waiting = list(
        Notification.objects.filter(
            Q(retry_at__isnull=True) | Q(retry_at__lte=at),
            sent_at__isnull=True,
            abandoned_at__isnull=True,
            created_at__lt=at - grace,
        ).values_list("pk", flat=True)
    )
    return sum(notification_queue(notification_id=pk) for pk in waiting)


def notification_deliver(*, notification_id: int, at: datetime.datetime) -> bool:
    """Send the e-mail of one notification unless it was sent; tell if it was now.

    The row stays locked while the mail is handed to the mail server, and
    ``sent_at`` commits right after the server accepted it. When the database
    went away in between (a restart), the commit fails although the mail went
    out: ``sent_at`` is then written as soon as the database is back, so the
    notification is not sent again (docs/architecture.md, Notifications).
    """
    handed_over = False
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient", "report")
                .filter(
                    pk=notification_id, sent_at__isnull=True, abandoned_at__isnull=True
                )
                .first()
            )
            if notification is None:
                return False
            message = _message(notification)
            if message is not None:
                message.send()
            handed_over = True
            notification.sent_at = at
            notification.attempts += 1
            notification.save(update_fields=["sent_at", "attempts"])
    except DatabaseError:
        if not handed_over:
            raise
        _mark_sent_when_back(notification_id=notification_id, at=at)
    return message is not None


def _mark_sent_when_back(*, notification_id: int, at: datetime.datetime) -> None:
    """Record a notification the mail server accepted, waiting for the database.

    Waits at most ``MARK_SENT_WITHIN``: well inside the grace period after which
    the beat task hands an unsent notification over again.
    """
    deadline = time.monotonic() + MARK_SENT_WITHIN.total_seconds()
    while True:
        connection.close()  # the broken one; the next query connects again
        try:
            Notification.objects.filter(
                pk=notification_id, sent_at__isnull=True
            ).update(sent_at=at, attempts=F("attempts") + 1)
        except DatabaseError as error:
            if time.monotonic() > deadline:
                raise NotificationSentUnrecordedError(notification_id) from error
            time.sleep(0.5)
        else:
            logger.warning(
                "notification_marked_sent_after_reconnect",
                extra={"notification_id": notification_id},
            )
            return


def notification_failed(*, notification_id: int, at: datetime.datetime) -> bool:
    """Count a failed attempt; give up after the last allowed one. Tell if it did.

    Until then the row stays unsent for the next attempt. Giving up is audited
    once: the row is locked, and a given-up row is never counted again.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("report__client")
            .filter(pk=notification_id, sent_at__isnull=True, abandoned_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        notification.attempts += 1
        abandoned = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        if abandoned:
            notification.abandoned_at = at
        else:
            notification.retry_at = at + _backoff(notification.attempts)
        notification.save(update_fields=["attempts", "abandoned_at", "retry_at"])
        if abandoned:
            _audit_abandoned(notification)
    if abandoned:
        logger.error(
            "notification_abandoned",
            extra={
                "notification_id": notification_id,
                "attempts": notification.attempts,
            },
        )
    return abandoned


def _backoff(attempts: int) -> datetime.timedelta:
    """Return how long to wait after the ``attempts``-th failure: doubling, capped."""
    first = settings.NOTIFICATION_RESEND_AFTER_SECONDS
    seconds = min(first * 2 ** (attempts - 1), settings.NOTIFICATION_RETRY_MAX_SECONDS)
    return datetime.timedelta(seconds=seconds)


def _audit_abandoned(notification: Notification) -> None:
    audit_record(
        actor=None,
        event=NOTIFICATION_ABANDONED(
            {
                "kind": notification.kind,
                "attempts": notification.attempts,
                "report": notification.report_id,
            }
        ),
        obj=notification,
        client_ref=notification.report.client.client_ref,
        result=Result.FAILED,
    )


def notifications_mark_read(*, user: User, at: datetime.datetime) -> int:
    """Mark the user's unread notifications read; return how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=at
    )


def _message(notification: Notification) -> EmailMessage | None:
    """Return the e-mail, in Dutch; None when the recipient has no address."""
    address = notification.recipient.email
    if not address:
        logger.info(
            "notification_without_address", extra={"notification_id": notification.pk}
        )
        return None
    # Staff have no language of their own in uwvrec: the mail is in Dutch.
    with translation.override("nl"):
        body = render_to_string(
            "violations/notification_email.txt",
            {
                "notification": notification,
                "to_reporter": notification.recipient_id
                == notification.report.reported_by_id,
                "url": settings.SITE_URL.rstrip("/") + _path(notification),
            },
        )
        subject = str(SUBJECTS[Notification.Kind(notification.kind)])
    return EmailMessage(
        subject=subject,
        body=body,
        to=[address],
        # The same id on every attempt lets a mail system drop a duplicate.
        headers={"Message-ID": f"<notification-{notification.pk}@uwvrec>"},
    )


def _path(notification: Notification) -> str:
    """Link a team lead of the report's team to the report, anyone else to the list."""
    if may_handle_report(notification.recipient, notification.report):
        return reverse("violations:detail", args=[notification.report_id])
    return reverse("violations:notifications")
