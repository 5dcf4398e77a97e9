from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form, with plainer messages and hints for password managers."""

    # An instance attribute of Django's form, given here for every instance.
    error_messages = {  # noqa: RUF012
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "De gebruikersnaam of het wachtwoord klopt niet. Controleer beide en "
            "probeer het opnieuw. Let op hoofdletters en kleine letters."
        ),
        "inactive": _(
            "Dit account is uitgeschakeld. Neem contact op met uw beheerder."
        ),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
