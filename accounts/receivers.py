"""Logins, logouts and failed logins, recorded in the audit trail."""

from typing import Any

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from accounts.lockouts import account_named, login_ref
from audit.catalogue import Result
from audit.payloads import LOGGED_IN, LOGGED_OUT, LOGIN_FAILED
from audit.services.record import audit_record

# The backend that logs a user in through the organisation's identity provider.
SSO_BACKEND = "accounts.sso.IdentityProviderBackend"


@receiver(user_logged_in)
def record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Record a login, and how: with a password here or through the IdP (SSO)."""
    method = "sso" if getattr(user, "backend", "") == SSO_BACKEND else "password"
    audit_record(actor=user, event=LOGGED_IN({"method": method}), obj=user)


@receiver(user_logged_out)
def record_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, event=LOGGED_OUT(), obj=user)


@receiver(user_login_failed)
def record_failed_login(
    sender: Any, credentials: dict[str, Any], **kwargs: Any
) -> None:
    """Record a refused login against the account, never with the text typed.

    A password, or a client's BSN, typed into the username box is an ordinary
    mistake: text that names no account is kept only as its keyed hash.
    """
    typed = str(credentials.get("username", ""))
    account = account_named(typed)
    audit_record(
        actor=None,
        event=LOGIN_FAILED(
            {} if account is not None else {"login_ref": login_ref(typed)}
        ),
        obj=account,
        result=Result.FAILED,
    )
