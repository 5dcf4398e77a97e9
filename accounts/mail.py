"""Mail the people of some roles: the alerts of the audit trail and of the flags."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from accounts.roles import Role


def mail_roles(*, roles: Iterable[Role], subject: str, message: str) -> list[str]:
    """Mail ``message`` to every active user of ``roles`` who has an address.

    Return the addresses it went to. Callers keep clients out of the mail: only
    positions, counts and months.
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
