from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone


def sessions_clear_expired() -> int:
    """Delete every session whose idle time ran out; return how many went."""
    with transaction.atomic():
        deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
