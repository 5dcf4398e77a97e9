"""Sending notifications, and checking the clients' flags, in the background."""

from celery import shared_task
from django.utils import timezone

from violations.consistency import client_flags_verify
from violations.notifications import (
    NotificationSentUnrecordedError,
    notification_deliver,
    notification_failed,
    notifications_requeue,
)


@shared_task(acks_late=True)
def deliver_notification(*, notification_id: int) -> bool:
    """Send one notification's e-mail, unless it was sent or given up already.

    A failure counts as an attempt; the beat task below tries again until
    ``NOTIFICATION_MAX_ATTEMPTS`` attempts failed.
    """
    try:
        return notification_deliver(notification_id=notification_id, at=timezone.now())
    except NotificationSentUnrecordedError:
        raise  # it went out: another attempt would send it twice
    except Exception:
        notification_failed(notification_id=notification_id, at=timezone.now())
        raise


@shared_task
def requeue_notifications() -> int:
    """Hand notifications to Celery again that were not sent in time (nor given up)."""
    return notifications_requeue(at=timezone.now())


@shared_task
def check_client_flags() -> int:
    """Check every client's stored flag against its reports; alert on a mismatch.

    Return how many clients' flags differ.
    """
    return len(client_flags_verify())
