from __future__ import annotations

import base64
import io
import math
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView, View
from django_otp.models import Device

from accounts.access import needs_second_factor
from accounts.forms import AppSetupForm, LoginForm, SecondFactorForm
from accounts.models import User
from accounts.second_factor import (
    IDP_MFA_SESSION_KEY,
    may_add_passkey,
    passkey_script_config,
    passkeys_offered,
    session_is_verified,
)
from accounts.selectors import (
    authenticator_of,
    has_passkeys,
    passkeys_of,
    pending_authenticator_of,
    recovery_codes_left,
    recovery_codes_of,
)
from accounts.services.second_factor import (
    AlreadySetUpError,
    NotSetUpError,
    SecondFactorError,
    ThrottledError,
    WrongCodeError,
    authenticator_begin,
    authenticator_confirm,
    device_remove,
    recovery_codes_renew,
    second_factor_verify,
)
from accounts.sso import REFUSAL_SESSION_KEY, SSO_SESSION_KEY, log_out, sso_enabled

# New recovery codes wait here for the one page that shows them.
NEW_CODES_SESSION_KEY = "second_factor_new_codes"
# Fewer codes than this left: the page after a recovery code says to make new ones.
FEW_CODES_LEFT = 3


# Why an SSO login was refused, as the refusal page explains it.
REFUSALS = {
    "no_role": gettext_lazy(
        "Uw UWV-account heeft geen rol in uwvrec. Vraag uw leidinggevende om u "
        "de rol medewerker, teamleider, auditor of functioneel beheerder te geven."
    ),
    "too_many_groups": gettext_lazy(
        "Uw UWV-account is lid van zo veel groepen dat de rollen niet mee konden "
        "komen. Vraag de functioneel beheerder om uwvrec-rollen als app-rollen toe "
        "te kennen."
    ),
    "no_employee_number": gettext_lazy(
        "Uw UWV-account geeft geen personeelsnummer door. Neem contact op met de "
        "servicedesk."
    ),
    "unknown_team": gettext_lazy(
        "Uw team is nog niet bekend in uwvrec. Vraag de functioneel beheerder uw "
        "team toe te voegen."
    ),
    "inactive": gettext_lazy(
        "Uw account in uwvrec is uitgeschakeld. Neem contact op met de "
        "functioneel beheerder."
    ),
    "superuser": gettext_lazy(
        "Dit account is een noodaccount van uwvrec en logt niet in met een "
        "UWV-account. Gebruik de gebruikersnaam en het wachtwoord van het noodaccount."
    ),
    "identity_mismatch": gettext_lazy(
        "Uw UWV-account past niet bij het account in uwvrec met uw "
        "personeelsnummer: dat account hoort bij een ander UWV-account, of uw "
        "personeelsnummer is veranderd. Daarom kunt u niet inloggen. Neem contact "
        "op met de functioneel beheerder of de servicedesk."
    ),
    "acr": gettext_lazy(
        "U bent niet ingelogd met de vereiste extra controle (bijvoorbeeld een "
        "code op uw telefoon). Log opnieuw in met uw UWV-account."
    ),
    "idp_unavailable": gettext_lazy(
        "Het inlogsysteem van UWV is nu niet bereikbaar. Probeer het over een "
        "paar minuten opnieuw."
    ),
    "idp_error": gettext_lazy(
        "Het inloggen met uw UWV-account is afgebroken of niet gelukt. Probeer "
        "het opnieuw."
    ),
}


class LoginView(auth_views.LoginView):
    """Log in with the UWV account (SSO) or, where allowed, a password.

    A privileged user is then sent to their second factor by
    ``accounts.middleware.SecondFactorMiddleware``, with ``next`` kept.
    """

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """Where to go after logging in; never the login page itself (Django
        raises on that loop for a user who is logged in already)."""
        url: str = super().get_success_url()
        if url == self.request.path:
            return resolve_url(settings.LOGIN_REDIRECT_URL)
        return url

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LOCAL_LOGIN_ENABLED:
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = sso_enabled()
        context["local_login_enabled"] = settings.LOCAL_LOGIN_ENABLED
        return context


class LogoutView(auth_views.LogoutView):
    """Log out; after an SSO login, at the identity provider too."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at_idp = log_out(request)
        if at_idp is not None:
            return HttpResponseRedirect(at_idp)
        return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))


class SsoRefusedView(TemplateView):
    """Say why a login with the UWV account did not let someone in."""

    template_name = "registration/sso_refused.html"
    http_method_names = ["get"]  # noqa: RUF012 - Django's attribute

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        code = request.session.pop(REFUSAL_SESSION_KEY, "idp_error")
        context = self.get_context_data(
            reason=REFUSALS.get(code, REFUSALS["idp_error"])
        )
        return self.render_to_response(context, status=403)


class HomeView(TemplateView):
    """Show who is logged in and what their role lets them do.

    The links are the menu's sections (``navigation``, from the context processor
    ``uwvrec.context_processors.navigation``): one list, asked once per page.
    """

    template_name = "accounts/home.html"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # logged in: LoginRequired


def next_url(request: HttpRequest) -> str:
    """Return the page to go on to: ``next`` when it is on this site, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:home")


def _with_next(url_name: str, request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    url = reverse(url_name)
    if target and target == next_url(request):
        url += "?" + urlencode({"next": target})
    return url


def mark_verified(request: HttpRequest, device: Device) -> None:
    """Mark the session verified by ``device``, under a new session key.

    The session is worth more from here on, so its key changes (as at a login):
    a key someone learnt before is worth nothing.
    """
    request.session.cycle_key()
    django_otp.login(request, device)


def after_second_factor(request: HttpRequest) -> str:
    """Return where a session that just passed its second factor goes on to.

    Where it was going; but who has no authenticator app (any more) sets up a
    new one first, so that they have recovery codes again.
    """
    if authenticator_of(_user(request)) is None:
        messages.info(
            request, _("U hebt geen authenticator-app meer: stel nu een nieuwe in.")
        )
        return _with_next("accounts:second_factor_setup", request)
    return next_url(request)


def wait_shown(until: Any) -> str:
    """Return how long to wait before the next code, in Dutch words."""
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    if seconds < 120:
        return ngettext("%(n)d seconde", "%(n)d seconden", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)d minuut", "%(n)d minuten", minutes) % {"n": minutes}


def refusal_message(error: SecondFactorError, *, recovery_code: bool) -> str:
    """Return what to tell a user whose code did not pass."""
    if isinstance(error, ThrottledError):
        return _(
            "U hebt te vaak achter elkaar een onjuiste code ingevuld. Wacht "
            "%(wait)s en probeer het dan opnieuw."
        ) % {"wait": wait_shown(error.until)}
    if recovery_code:
        return _(
            "Deze herstelcode klopt niet, of is al gebruikt. Elke herstelcode "
            "werkt maar één keer."
        )
    return _(
        "Deze code klopt niet. Vul de code in die de app nu toont: die verandert "
        "elke 30 seconden."
    )


class SecondFactorMixin:
    """Only who must pass a second factor opens these pages; others get a 403."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not needs_second_factor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class SecondFactorView(SecondFactorMixin, TemplateView):
    """The user's second factor: their app, recovery codes and passkeys, to manage."""

    template_name = "accounts/second_factor.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = _user(self.request)
        codes = recovery_codes_of(user)
        offered = passkeys_offered(self.request)
        adding = may_add_passkey(self.request)
        return super().get_context_data(
            **kwargs,
            app=authenticator_of(user),
            codes=codes,
            codes_left=recovery_codes_left(codes),
            verified_by_idp=self.request.session.get(IDP_MFA_SESSION_KEY) is True,
            passkeys=passkeys_of(user) if offered else [],
            passkeys_offered=offered,
            may_add_passkey=adding,
            passkey_config=passkey_script_config(self.request) if adding else None,
        )


class SecondFactorVerifyView(SecondFactorMixin, FormView):
    """Enter the code of the authenticator app, or a recovery code."""

    template_name = "accounts/second_factor_verify.html"
    form_class = SecondFactorForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if needs_second_factor(request.user) and session_is_verified(request):
            return HttpResponseRedirect(next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        with_passkey = passkeys_offered(self.request) and has_passkeys(
            _user(self.request)
        )
        return super().get_context_data(
            **kwargs,
            next=next_url(self.request),
            sso=_logged_in_by_sso(self.request),
            passkey_config=passkey_script_config(self.request)
            if with_passkey
            else None,
        )

    def form_valid(self, form: Form) -> HttpResponse:
        code = form.cleaned_data["code"]
        user = _user(self.request)
        try:
            passed = second_factor_verify(user=user, code=code)
        except (WrongCodeError, ThrottledError) as error:
            recovery = not code.isdigit()
            form.add_error("code", refusal_message(error, recovery_code=recovery))
            return self.form_invalid(form)
        mark_verified(self.request, passed.device)
        if passed.remaining is not None:
            self._tell_codes_left(passed.remaining)
        return HttpResponseRedirect(after_second_factor(self.request))

    def _tell_codes_left(self, left: int) -> None:
        text = ngettext(
            "U hebt een herstelcode gebruikt. U hebt er nog %(n)d over.",
            "U hebt een herstelcode gebruikt. U hebt er nog %(n)d over.",
            left,
        ) % {"n": left}
        if left < FEW_CODES_LEFT:
            text += " " + _("Maak nieuwe herstelcodes op de pagina Tweede factor.")
        messages.warning(self.request, text)


class SecondFactorSetupView(SecondFactorMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm."""

    template_name = "accounts/second_factor_setup.html"
    form_class = AppSetupForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if needs_second_factor(request.user) and authenticator_of(_user(request)):
            messages.info(request, _("U hebt al een authenticator-app ingesteld."))
            return redirect("accounts:second_factor")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        session = self.request.session
        device = authenticator_begin(
            user=_user(self.request), pending=_pending_id(self.request)
        )
        session[PENDING_APP_SESSION_KEY] = device.pk
        return super().get_context_data(
            **kwargs,
            secret=grouped(base64.b32encode(device.bin_key).decode("ascii"), 4),
            next=next_url(self.request),
            first=not session_is_verified(self.request),
            sso=_logged_in_by_sso(self.request),
        )

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            confirmed = authenticator_confirm(
                user=_user(self.request),
                code=form.cleaned_data["code"],
                pending=_pending_id(self.request),
            )
        except (WrongCodeError, ThrottledError) as error:
            form.add_error("code", refusal_message(error, recovery_code=False))
            return self.form_invalid(form)
        except (NotSetUpError, AlreadySetUpError):
            if authenticator_of(_user(self.request)) is not None:
                # Confirmed meanwhile (a second click, another tab).
                return redirect("accounts:second_factor")
            form.add_error(
                "code",
                _("Deze instelling is verlopen. Scan de nieuwe QR-code hieronder."),
            )
            return self.form_invalid(form)
        mark_verified(self.request, confirmed.device)
        self.request.session.pop(PENDING_APP_SESSION_KEY, None)
        self.request.session[NEW_CODES_SESSION_KEY] = confirmed.recovery_codes
        return HttpResponseRedirect(_with_next("accounts:recovery_codes", self.request))


# The app this session is setting up: its secret is shown to this session only.
PENDING_APP_SESSION_KEY = "second_factor_pending_app"


def _logged_in_by_sso(request: HttpRequest) -> bool:
    """Whether this session logged in with the UWV account: no password typed."""
    return request.session.get(SSO_SESSION_KEY) is True


def _pending_id(request: HttpRequest) -> int | None:
    pk = request.session.get(PENDING_APP_SESSION_KEY)
    return pk if isinstance(pk, int) else None


def grouped(text: str, size: int) -> str:
    """Return ``text`` in groups of ``size`` characters, for reading and typing."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


class SecondFactorQrView(SecondFactorMixin, View):
    """The QR code of the app being set up, as an SVG image of this site."""

    http_method_names = ["get", "head"]  # noqa: RUF012 - Django's attribute

    def get(self, request: HttpRequest) -> HttpResponse:
        device = pending_authenticator_of(_user(request), _pending_id(request))
        if device is None:
            raise Http404
        image = io.BytesIO()
        segno.make(device.config_url, error="m").save(
            image, kind="svg", scale=6, border=4, xmldecl=False,
            title=_("QR-code voor uw authenticator-app"),
        )  # fmt: skip
        return HttpResponse(image.getvalue(), content_type="image/svg+xml")


class RecoveryCodesView(SecondFactorMixin, TemplateView):
    """Show new recovery codes once; make new ones (the old ones stop working)."""

    template_name = "accounts/recovery_codes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = _user(self.request)
        new = self.request.session.pop(NEW_CODES_SESSION_KEY, None)
        return super().get_context_data(
            **kwargs,
            new_codes=[grouped(code, 4) for code in new or []],
            codes_left=recovery_codes_left(recovery_codes_of(user)),
            app=authenticator_of(user),
            next=next_url(self.request),
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            codes = recovery_codes_renew(user=_user(request))
        except NotSetUpError:
            messages.error(
                request, _("Stel eerst een authenticator-app in; dan krijgt u codes.")
            )
            return redirect("accounts:second_factor")
        request.session[NEW_CODES_SESSION_KEY] = codes
        return redirect("accounts:recovery_codes")


class AuthenticatorRemoveView(SecondFactorMixin, TemplateView):
    """Remove the authenticator app (after a confirmation), with its codes."""

    template_name = "accounts/authenticator_remove.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs, app=self._app())

    def post(self, request: HttpRequest) -> HttpResponse:
        device_remove(actor=_user(request), device=self._app())
        messages.success(
            request,
            _(
                "Uw authenticator-app en herstelcodes zijn verwijderd. Stel nu een "
                "nieuwe app in."
            ),
        )
        return redirect("accounts:second_factor")

    def _app(self) -> Any:
        app = authenticator_of(_user(self.request))
        if app is None:
            raise Http404
        return app
