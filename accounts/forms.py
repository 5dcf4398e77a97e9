import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from uwvrec.forms import AppForm, AppFormMixin
from uwvrec.personal_data import no_bsn


class LoginForm(AppFormMixin, AuthenticationForm):
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
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class StaffUserChangeForm(forms.ModelForm):
    """A user as the admin role edits them: no password, no superuser flag.

    The admin site builds the form from its fieldsets; fields not listed there
    are not in the form, so a POST of them changes nothing.
    """

    class Meta:
        model = User
        fields = ("username",)
        field_classes = {"username": UsernameField}  # noqa: RUF012 - Django's Meta

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The username is shown on every page and copied into every audit event of
        # the user; the names are shown to everyone: none of them may hold a BSN.
        for name in ("username", "first_name", "last_name"):
            if name in self.fields:
                self.fields[name].validators.append(no_bsn)


class StaffUserAddForm(StaffUserChangeForm):
    """A new user, made without a password: they cannot log in with one."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


# A recovery code as django-otp makes them: 8 letters and digits of base32.
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")
_APP_CODE = re.compile(r"\d{6}")
# Spaces and dashes people type to keep their place; the code is without them.
_SEPARATORS = re.compile(r"[\s\-]+")


def _typed_code(value: str) -> str:
    return _SEPARATORS.sub("", value).lower()


class _CodeForm(AppForm):
    code = forms.CharField(max_length=32, strip=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["code"].widget
        widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        )


class SecondFactorForm(_CodeForm):
    """The code of the authenticator app, or one of the recovery codes."""

    error_messages = {  # noqa: RUF012 - read by clean_code
        "shape": _(
            "Vul de 6 cijfers in die uw authenticator-app nu toont, of een "
            "herstelcode van 8 tekens."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = _("Code")
        field.help_text = _(
            "De 6 cijfers uit uw authenticator-app, of een van uw herstelcodes."
        )
        field.error_messages["required"] = _(
            "Vul de code uit uw authenticator-app in, of een herstelcode."
        )

    def clean_code(self) -> str:
        code = _typed_code(self.cleaned_data["code"])
        if not (_APP_CODE.fullmatch(code) or _RECOVERY_CODE.fullmatch(code)):
            raise forms.ValidationError(self.error_messages["shape"], code="shape")
        return code


class AppSetupForm(_CodeForm):
    """The first code of a newly scanned authenticator app, to confirm it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = _("Code uit de app")
        field.help_text = _("De 6 cijfers die de app nu bij uwvrec toont.")
        field.widget.attrs["inputmode"] = "numeric"
        field.error_messages["required"] = _("Vul de 6 cijfers in die de app nu toont.")

    def clean_code(self) -> str:
        code = _typed_code(self.cleaned_data["code"])
        if not _APP_CODE.fullmatch(code):
            raise forms.ValidationError(
                _("Een code uit de app is 6 cijfers, bijvoorbeeld 123456."),
                code="shape",
            )
        return code
