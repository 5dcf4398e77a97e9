from django.contrib.auth import views as auth_views
from django.views.generic import TemplateView

from accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    """Log in with username and password."""

    form_class = LoginForm
    redirect_authenticated_user = True


class HomeView(TemplateView):
    """Show who is logged in and what their role lets them do.

    The links are the menu's sections (``navigation``, from the context processor
    ``uwvrec.context_processors.navigation``): one list, asked once per page.
    """

    template_name = "accounts/home.html"
