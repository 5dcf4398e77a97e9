"""The forms of the violation pages: they check shape; the services check the rest."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from conversations.schedule import EARLIEST_DATE
from uwvrec.forms import AppForm
from uwvrec.moments import day_shown
from violations.models import BrokenRule


def _text(
    label: StrOrPromise, help_text: StrOrPromise, required: StrOrPromise
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
        error_messages={"required": required},
    )


class ReportForm(AppForm):
    rule = forms.ChoiceField(
        label=_("Welke regel heeft de klant overtreden?"),
        choices=BrokenRule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies welke regel de klant overtrad.")},
    )
    what_happened = _text(
        _("Wat is er gebeurd?"),
        _("Feitelijk en kort: alleen wat nodig is om te beslissen."),
        _("Beschrijf wat er gebeurde."),
    )
    happened_on = forms.DateField(
        label=_("Wanneer gebeurde het?"),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    how_established = _text(
        _("Hoe is het vastgesteld?"),
        _("Bijvoorbeeld: zelf gezien, of de opname staat online (waar)."),
        _("Beschrijf hoe het is vastgesteld."),
    )

    other_than_earlier = forms.BooleanField(
        label=_("Ik meld iets anders dan wat hierboven al gemeld is."),
        required=False,
    )

    def __init__(self, *args: Any, earlier_reports: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not earlier_reports:  # only asked when there is something to compare
            del self.fields["other_than_earlier"]

    def clean_happened_on(self) -> datetime.date:
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("De datum ligt in de toekomst."))
        if day < EARLIEST_DATE:
            raise forms.ValidationError(
                _(
                    "Kies een datum vanaf %(earliest)s: daarvoor golden er geen "
                    "spelregels voor opnemen."
                ),
                params={"earliest": day_shown(EARLIEST_DATE)},
                code="before_rules",
            )
        return day


class DecideForm(AppForm):
    decision = forms.ChoiceField(
        label=_("Uw besluit"),
        choices=[
            ("confirm", _("Bevestigen: de klant wordt gesignaleerd")),
            ("dismiss", _("Afwijzen: de melding telt niet mee")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies bevestigen of afwijzen.")},
    )
    reason = _text(
        _("Reden"),
        _("De klant kan deze reden later opvragen."),
        _("Geef een reden."),
    )


class WithdrawForm(AppForm):
    reason = _text(
        _("Reden van intrekking"),
        _("Bijvoorbeeld: een vergissing, of een bezwaar dat is toegekend."),
        _("Geef een reden voor de intrekking."),
    )

    prefix = "withdraw"
