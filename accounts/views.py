from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from accounts.forms import LoginForm
from accounts.sso import REFUSAL_SESSION_KEY, log_out, sso_enabled

# Why an SSO login was refused, as the refusal page explains it.
REFUSALS = {
    "no_role": _(
        "Uw UWV-account heeft geen rol in uwvrec. Vraag uw leidinggevende om u "
        "de rol medewerker, teamleider, auditor of functioneel beheerder te geven."
    ),
    "too_many_groups": _(
        "Uw UWV-account is lid van zo veel groepen dat de rollen niet mee konden "
        "komen. Vraag de functioneel beheerder om uwvrec-rollen als app-rollen toe "
        "te kennen."
    ),
    "no_employee_number": _(
        "Uw UWV-account geeft geen personeelsnummer door. Neem contact op met de "
        "servicedesk."
    ),
    "unknown_team": _(
        "Uw team is nog niet bekend in uwvrec. Vraag de functioneel beheerder uw "
        "team toe te voegen."
    ),
    "inactive": _(
        "Uw account in uwvrec is uitgeschakeld. Neem contact op met de "
        "functioneel beheerder."
    ),
    "acr": _(
        "U bent niet ingelogd met de vereiste extra controle (bijvoorbeeld een "
        "code op uw telefoon). Log opnieuw in met uw UWV-account."
    ),
    "idp_unavailable": _(
        "Het inlogsysteem van UWV is nu niet bereikbaar. Probeer het over een "
        "paar minuten opnieuw."
    ),
    "idp_error": _(
        "Het inloggen met uw UWV-account is afgebroken of niet gelukt. Probeer "
        "het opnieuw."
    ),
}


class LoginView(auth_views.LoginView):
    """Log in with the UWV account (SSO) or, where allowed, a password."""

    form_class = LoginForm
    redirect_authenticated_user = True

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
