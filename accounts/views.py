from typing import Any

from django.contrib.auth import views as auth_views
from django.views.generic import TemplateView

from accounts.forms import LoginForm
from accounts.navigation import sections_for


class LoginView(auth_views.LoginView):
    """Log in with username and password."""

    form_class = LoginForm
    redirect_authenticated_user = True


class HomeView(TemplateView):
    """Show who is logged in and what their role lets them do."""

    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["links"] = sections_for(user=self.request.user)  # type: ignore[arg-type]
        return context
