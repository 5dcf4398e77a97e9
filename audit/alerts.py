"""Tell the people who look after the trail that something is wrong with it."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from accounts.roles import Role


def audit_alert(*, roles: Iterable[Role], subject: str, message: str) -> list[str]:
    """Mail ``message`` to every active user of ``roles`` who has an address.

    Return the addresses it went to. The mail holds nothing about clients: only
    positions, counts and months of the trail.
    """
    recipients = sorted(
        set(
            get_user_model()
            .objects.filter(groups__name__in=[role.value for role in roles])
            .filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if recipients:
        send_mail(
            subject=subject, message=message, from_email=None,
            recipient_list=recipients,
        )  # fmt: skip
    return recipients
