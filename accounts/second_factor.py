"""Whether a session passed its second factor: the one answer every part asks.

Team leads, auditors, admins and superusers who log in with a password here must
then pass a second factor (an authenticator app, one of their recovery codes, or
a passkey where passkeys are offered; django-otp marks the session). Who logs in
through the organisation's identity provider passed the IdP's own multi-factor
authentication: the SSO callback then sets ``IDP_MFA_SESSION_KEY`` to True in
the session (when ``OIDC_TRUSTS_IDP_MFA`` is on), and that counts as verified
too. This module only reads that flag.

The middleware (``accounts.middleware.SecondFactorMiddleware``), the admin site
(``uwvrec.admin.UwvrecAdminSite``) and the menu ask ``session_is_verified``; who
must pass one is ``needs_second_factor`` (decided in ``accounts.access``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.middleware import csrf
from django.urls import reverse

from accounts.access import needs_second_factor

__all__ = [
    "IDP_MFA_SESSION_KEY",
    "may_add_passkey",
    "needs_second_factor",
    "passkey_script_config",
    "passkeys_offered",
    "session_is_verified",
]

# A session whose value under this key is True passed the IdP's multi-factor login.
IDP_MFA_SESSION_KEY = "mfa_by_idp"


def session_is_verified(request: HttpRequest) -> bool:
    """Return whether the session of ``request`` passed a second factor.

    Through django-otp (``OTPMiddleware`` gives the user ``is_verified``), or at
    the identity provider. Only the value True counts: a session holding anything
    else under the IdP's key is not verified by it.
    """
    is_verified = getattr(request.user, "is_verified", None)
    if callable(is_verified) and is_verified():
        return True
    session = getattr(request, "session", None)
    return session is not None and session.get(IDP_MFA_SESSION_KEY) is True


def passkeys_offered(request: HttpRequest) -> bool:
    """Return whether passkeys work on the page of ``request``.

    A passkey belongs to the relying party's domain (``OTP_WEBAUTHN_RP_ID``): the
    browser uses it on that domain and its subdomains only. Without one set, or
    on another host (an IP address, say), passkeys are not offered.
    """
    rp_id = settings.OTP_WEBAUTHN_RP_ID
    if not rp_id:
        return False
    host, _port = split_domain_port(request.get_host())
    return host == rp_id or host.endswith("." + rp_id)


def may_add_passkey(request: HttpRequest) -> bool:
    """Return whether the user of ``request`` may add a passkey here, now.

    A privileged user in a session that passed a second factor of uwvrec's own
    (an app, a code or a passkey): who logged in through the identity provider
    and is trusted for its multi-factor login is never asked for one here.
    """
    user = request.user
    return (
        passkeys_offered(request)
        and needs_second_factor(user)
        and bool(user.is_verified())  # type: ignore[union-attr]
    )


def passkey_script_config(request: HttpRequest) -> dict[str, Any]:
    """Return the settings the library's scripts read from ``otp_webauthn_config``."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("accounts:passkey_verify_begin"),
        "completeAuthenticationUrl": reverse("accounts:passkey_verify_complete"),
        "beginRegistrationUrl": reverse("accounts:passkey_add_begin"),
        "completeRegistrationUrl": reverse("accounts:passkey_add_complete"),
    }
