"""Whether a session passed its second factor: the one answer every part asks.

Team leads, auditors, admins and superusers who log in with a password here must
then pass a second factor (an authenticator app, or one of their recovery codes;
django-otp marks the session). Who logs in through the organisation's identity
provider passed the IdP's own multi-factor authentication: the SSO callback then
sets ``IDP_MFA_SESSION_KEY`` to True in the session (when ``OIDC_TRUSTS_IDP_MFA``
is on), and that counts as verified too. This module only reads that flag.

The middleware (``accounts.middleware.SecondFactorMiddleware``), the admin site
(``uwvrec.admin.UwvrecAdminSite``) and the menu ask ``session_is_verified``; who
must pass one is ``needs_second_factor`` (decided in ``accounts.access``).
"""

from __future__ import annotations

from django.http import HttpRequest

from accounts.access import needs_second_factor

__all__ = ["IDP_MFA_SESSION_KEY", "needs_second_factor", "session_is_verified"]

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
