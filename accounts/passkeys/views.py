"""Passkeys as a second factor: the browser's WebAuthn ceremonies, and their pages.

django-otp-webauthn does the ceremonies: its views answer the script it ships
(``otp_webauthn_register.js``, ``otp_webauthn_auth.js``) in JSON, and py_webauthn
checks what the browser signed. The views here are those views with uwvrec's
rules: a passkey is a second factor of a privileged user only (never a login of
its own: ``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN`` is off), added in a session
that passed one already, and every passkey added, used, refused or removed is
audited by the services (``accounts.services.second_factor``). Where passkeys
are not offered (``passkeys_offered``) every URL here is a 404.

The scripts are files of the library's, loaded from ``'self'``; their settings
travel in a JSON data block (``accounts.second_factor.passkey_script_config``),
so the strict CSP holds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts.models import User
from accounts.second_factor import (
    may_add_passkey,
    needs_second_factor,
    passkeys_offered,
)
from accounts.selectors import passkey_of
from accounts.services.second_factor import device_remove, passkey_add, passkey_verify
from accounts.views import SecondFactorMixin, after_second_factor, mark_verified


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # the views ask for one


class _Offered:
    """A ceremony's step, in uwvrec's words.

    Where passkeys are not offered, the ceremonies are not there (404). A step
    refused answers in JSON, as the library's do, with a text in the user's
    language (the script shows it) instead of the library's English one.
    """

    request: HttpRequest
    refused = gettext_lazy("Dat lukte niet. Probeer het opnieuw.")

    def initial(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        if not passkeys_offered(request):
            raise Http404
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if not isinstance(exc, exceptions.OTPWebAuthnApiError):
            raise exc
        if isinstance(exc, exceptions.InvalidState):
            detail = _("Deze poging is verlopen. Probeer het opnieuw.")
        elif isinstance(exc, exceptions.NotVerified):
            detail = str(exc.detail)  # uwvrec's own (check_can_register)
        elif isinstance(exc, exceptions.NotAuthenticated):
            detail = _("Alleen teamleiders, auditors en beheerders gebruiken passkeys.")
        else:
            detail = str(self.refused)
        return JsonResponse(
            {"detail": detail, "code": exc.code}, status=exc.status_code
        )


class _Adding(_Offered):
    """Adding a passkey: a privileged user, in a session that passed a factor here."""

    def check_can_register(self) -> None:
        if not may_add_passkey(self.request):
            raise exceptions.NotVerified(
                detail=_("U kunt hier geen passkey toevoegen.")
            )


class _Verifying(_Offered):
    """Passing the second factor with a passkey: only who must pass one."""

    def check_can_authenticate(self) -> None:
        if not needs_second_factor(self.request.user):
            raise exceptions.NotAuthenticated()


class PasskeyAddBeginView(_Adding, BeginCredentialRegistrationView):
    """Start adding a passkey: the options for the browser, the challenge kept."""


class PasskeyAddCompleteView(_Adding, CompleteCredentialRegistrationView):
    """Store the passkey the browser made, when it answers the challenge."""

    refused = gettext_lazy(
        "Toevoegen mislukt: uwvrec kon deze passkey niet controleren. Probeer het "
        "opnieuw."
    )

    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        state = self.get_state()
        device = passkey_add(
            user=_user(self.request),
            helper=self.get_helper(),
            state=state,
            data=self.request.data,  # type: ignore[attr-defined]  # the library parsed it
        )
        messages.success(self.request, _("Uw passkey is toegevoegd."))
        return JsonResponse({"id": device.pk})


class PasskeyVerifyBeginView(_Verifying, BeginCredentialAuthenticationView):
    """Start the second factor with a passkey: the challenge, the user's passkeys."""


class PasskeyVerifyCompleteView(_Verifying, CompleteCredentialAuthenticationView):
    """Check what the passkey signed; the session is then verified by it."""

    refused = gettext_lazy(
        "Controleren mislukt: uwvrec accepteert deze passkey niet. Probeer het "
        "opnieuw of vul een code in."
    )

    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        state = self.get_state()
        device = passkey_verify(
            user=_user(self.request),
            helper=self.get_helper(),
            state=state,
            data=self.request.data,  # type: ignore[attr-defined]  # the library parsed it
        )
        mark_verified(self.request, device)
        return JsonResponse(
            {"id": device.pk, "redirect_url": after_second_factor(self.request)}
        )


class PasskeyCatalogView(JavaScriptCatalog):
    """The texts of the passkey scripts, in the page's language.

    The library's, and over them uwvrec's Dutch (``locale/nl/LC_MESSAGES/
    djangojs.po``: the library's own Dutch is uneven).
    """

    packages = ["django_otp_webauthn"]  # noqa: RUF012

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not passkeys_offered(request):
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_paths(self, packages: list[str]) -> list[str]:
        # The last directory's texts win.
        own = [str(path) for path in settings.LOCALE_PATHS]
        return [*super().get_paths(packages), *own]


class PasskeyRemoveView(SecondFactorMixin, TemplateView):
    """Remove one of the user's passkeys, after a confirmation."""

    template_name = "accounts/passkey_remove.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs, passkey=self._passkey())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        device_remove(actor=_user(request), device=self._passkey())
        messages.success(request, _("De passkey is verwijderd."))
        return redirect("accounts:second_factor")

    def _passkey(self) -> Any:
        if not passkeys_offered(self.request):
            raise Http404
        passkey = passkey_of(_user(self.request), self.kwargs["pk"])
        if passkey is None:
            raise Http404
        return passkey
