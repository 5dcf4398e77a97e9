from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from uwvrec.forms import AppFormMixin
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
