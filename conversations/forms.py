"""The forms of the conversation pages: they check shape; services check the rest."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.bsn import bsn_clean, bsn_masked
from conversations.models import CHANNELS, KINDS, ROLES, Conversation
from conversations.schedule import date_problem, place_problem
from uwvrec.forms import AppForm
from uwvrec.personal_data import no_bsn

BSN_HELP = _("9 cijfers, zonder punten of spaties.")
YES_NO = [("yes", _("Ja")), ("no", _("Nee"))]


class BsnInput(forms.TextInput):
    """A text box that never writes a BSN back into a page (not even on an error)."""

    def format_value(self, value: Any) -> None:
        return None


class BsnField(forms.CharField):
    """A BSN typed by the employee, checked with the eleven-test."""

    widget = BsnInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("BSN van de klant"))
        kwargs.setdefault("help_text", BSN_HELP)
        super().__init__(max_length=20, **kwargs)
        self.widget.attrs.update(
            {
                "autocomplete": "off",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "form-control form-control-lg bsn-input",
            }
        )
        self.error_messages["required"] = _("Vul het BSN van de klant in.")

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value and not self.required:
            return ""
        return bsn_clean(value)


def yes_no(label: str | Any, required_message: str | Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


def radios(label: Any, choices: Any, required_message: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class ClientForm(AppForm):
    """Find a client by BSN; a name is only needed to register a new one."""

    bsn = BsnField()
    display_name = forms.CharField(
        label=_("Naam van de klant (alleen voor een nieuwe klant)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        validators=[no_bsn],
    )

    def __init__(self, *args: Any, kept_bsn: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keep_bsn(kept_bsn)

    def keep_bsn(self, bsn: str | None) -> None:
        """Let the BSN field be left empty to use ``bsn``, which it shows masked."""
        self.kept_bsn = bsn
        field = self.fields["bsn"]
        field.required = bsn is None
        field.help_text = (
            BSN_HELP
            if bsn is None
            else _(
                "Het BSN %(masked)s is bewaard: laat dit veld leeg om het te "
                "gebruiken, of typ een ander BSN."
            )
            % {"masked": bsn_masked(bsn)}
        )
        self["bsn"].help_text = field.help_text  # a bound field copies it once

    def bsn_typed(self) -> bool:
        return bool(str(self.data.get(self.add_prefix("bsn"), "")).strip())

    def clean_bsn(self) -> str:
        bsn: str = self.cleaned_data["bsn"]
        return bsn or self.kept_bsn or ""


PAST_UNCONFIRMED = _(
    "Deze datum en tijd zijn al voorbij. Legt u een gesprek vast dat al was? Vink "
    "dat dan aan. Anders: verbeter de datum of de tijd."
)


class WhenForm(AppForm):
    """When and where; a moment already past is taken only once confirmed.

    ``channel`` is the channel of the conversation when the form does not ask it
    (rescheduling): the place must fit it (a room on the phone is refused).
    """

    date = forms.DateField(
        label=_("Datum"),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    time = forms.TimeField(
        label=_("Tijd"),
        error_messages={
            "required": _("Vul de tijd in."),
            "invalid": _("Vul een geldige tijd in, bijvoorbeeld 14:30."),
        },
    )
    place = forms.CharField(
        label=_("Plaats"),
        max_length=200,
        required=False,
        help_text=_("Vestiging en kamer; leeg voor een telefoongesprek."),
        validators=[no_bsn],
    )
    # Shown (as a checkbox) only when the moment has passed; hidden otherwise.
    past_confirmed = forms.BooleanField(
        label=_("Ja, het gesprek was al. Ik leg het achteraf vast."),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, channel: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_channel = channel

    def clean_date(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date"]
        if problem := date_problem(day, today=timezone.localdate()):
            raise ValidationError(problem, code="out_of_range")
        return day

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        channel = data.get("channel", self.fixed_channel)
        if (
            channel
            and "place" in data
            and (problem := place_problem(channel, data["place"]))
        ):
            code, message = problem
            self.add_error("place", ValidationError(message, code=code))
        if "date" in data and "time" in data and self.is_past():
            self._ask_to_confirm_past(confirmed=data.get("past_confirmed", False))
        return data

    def is_past(self) -> bool:
        """Tell whether the moment typed has passed (to the minute)."""
        return self.scheduled_at() < timezone.now().replace(second=0, microsecond=0)

    def _ask_to_confirm_past(self, *, confirmed: bool) -> None:
        self.fields["past_confirmed"].widget = forms.CheckboxInput()
        if not confirmed:
            self.add_error(
                "past_confirmed", ValidationError(PAST_UNCONFIRMED, code="past")
            )

    def scheduled_at(self) -> datetime.datetime:
        moment = datetime.datetime.combine(
            self.cleaned_data["date"], self.cleaned_data["time"]
        )
        return timezone.make_aware(moment)


class AppointmentForm(ClientForm, WhenForm):
    """An appointment: the client, when, how and what kind."""

    channel = radios(
        _("Hoe vindt het gesprek plaats?"),
        CHANNELS,
        _("Kies hoe het gesprek plaatsvindt."),
    )
    kind = radios(
        _("Wat voor gesprek is het?"), KINDS, _("Kies wat voor gesprek het is.")
    )
    field_order = (
        "bsn",
        "display_name",
        "date",
        "time",
        "channel",
        "kind",
        "place",
        "past_confirmed",
    )


class PhoneCallForm(ClientForm):
    """A phone call starting now: who is on the line, and what kind of call."""

    kind = radios(
        _("Wat voor gesprek is het?"), KINDS, _("Kies wat voor gesprek het is.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = "regular"


class RescheduleForm(WhenForm):
    """A new date, time and place for an appointment."""


class KindForm(AppForm):
    kind = radios(
        _("Wat voor gesprek is het?"), KINDS, _("Kies wat voor gesprek het is.")
    )


class WishForm(AppForm):
    wish = radios(
        _("Wil de klant het gesprek opnemen?"),
        Conversation.Wish.choices,
        _("Kies of de klant het gesprek wil opnemen."),
    )


class ParticipantsForm(AppForm):
    """Confirms the list of participants as it is shown."""


class ParticipantAddForm(AppForm):
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={"required": _("Vul de naam in van wie meedoet.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        validators=[no_bsn],
    )
    role = forms.ChoiceField(
        label=_("Rol"),
        choices=[("", _("Kies een rol")), *ROLES],
        error_messages={"required": _("Kies de rol van wie meedoet.")},
    )


class InformForm(AppForm):
    told = forms.BooleanField(
        label=_("Ik heb de klant de spelregels verteld of gegeven."),
        error_messages={
            "required": _("Bevestig dat u de spelregels aan de klant hebt verteld.")
        },
    )
    rule_text = forms.IntegerField(widget=forms.HiddenInput)


class AcceptsForm(AppForm):
    accepts = yes_no(
        _("Is de klant het eens met de spelregels?"),
        _("Kies of de klant het eens is met de spelregels."),
    )


class ConsentForm(AppForm):
    consents = yes_no(
        _("Geeft deze persoon toestemming voor de opname?"),
        _("Kies of deze persoon toestemming geeft."),
    )


class UwvForm(AppForm):
    uwv_records = yes_no(
        _("Neemt UWV het gesprek zelf ook op?"),
        _("Kies of UWV het gesprek zelf opneemt."),
    )


class UwvDetailsForm(AppForm):
    reason = forms.CharField(
        label=_("Waarom neemt UWV het gesprek op?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Schrijf op waarom UWV het gesprek opneemt.")},
        validators=[no_bsn],
    )
    told = forms.BooleanField(
        label=_("Iedereen die meedoet weet dat UWV het gesprek opneemt."),
        error_messages={
            "required": _("Bevestig dat iedereen weet dat UWV het gesprek opneemt.")
        },
    )


class FinaliseForm(AppForm):
    answers_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ConcludeForm(AppForm):
    client_recorded = yes_no(
        _("Heeft de klant het gesprek opgenomen?"),
        _("Kies of de klant het gesprek heeft opgenomen."),
    )
    uwv_recorded = yes_no(
        _("Heeft UWV het gesprek opgenomen?"),
        _("Kies of UWV het gesprek heeft opgenomen."),
    )
