"""The forms of the hold and erasure pages: they check shape; the services the rest."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.forms import BsnField
from privacy.services.holds import HoldError, check_until
from uwvrec.forms import AppForm
from uwvrec.personal_data import no_bsn

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _reason(
    label: StrOrPromise, help_text: StrOrPromise, required: StrOrPromise
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=4000,
        validators=[no_bsn],
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
        error_messages={"required": required},
    )


class HoldPlaceForm(AppForm):
    """Find the client by BSN (posted, never shown again) and say why and how long."""

    bsn = BsnField(label=_("BSN van de klant"))
    case_reference = forms.CharField(
        label=_("Zaaknummer"),
        help_text=_("Het nummer van de zaak waarvoor de gegevens bewaard blijven."),
        max_length=100,
        validators=[no_bsn],
        error_messages={"required": _("Vul het zaaknummer in.")},
    )
    reason = _reason(
        _("Reden"),
        _("Waarom mag er niets over deze klant worden verwijderd?"),
        _("Geef de reden van de bewaarplicht."),
    )
    until = forms.DateField(
        label=_("Tot en met (niet verplicht)"),
        required=False,
        help_text=_(
            "Dag-maand-jaar, bijvoorbeeld 15-01-2027. Leeg: de bewaarplicht staat "
            "tot twee auditors haar opheffen."
        ),
        error_messages={"invalid": _("Vul een geldige datum in, zoals 15-01-2027.")},
    )

    def clean_until(self) -> dt.date | None:
        until: dt.date | None = self.cleaned_data["until"]
        try:
            check_until(until, timezone.localdate())
        except HoldError as error:
            raise forms.ValidationError(error.messages, code=error.code) from None
        return until


class LiftRequestForm(AppForm):
    reason = _reason(
        _("Reden om op te heffen"),
        _(
            "Bijvoorbeeld: de zaak is afgesloten. Een andere auditor moet akkoord "
            "geven."
        ),
        _("Geef de reden om op te heffen."),
    )

    prefix = "lift"


class LiftAgreeForm(AppForm):
    """Agreeing needs nothing but the button; the form carries the refusals."""


class AccessRequestForm(AppForm):
    """Find the client by BSN (posted, never in a URL or shown again)."""

    bsn = BsnField(label=_("BSN van de klant"))


class ErasureRequestForm(AppForm):
    """Find the client by BSN (posted, never shown again) and say why to erase."""

    bsn = BsnField(label=_("BSN van de klant"))
    reason = _reason(
        _("Reden"),
        _(
            "Bijvoorbeeld: de klant vroeg op 3 december per brief om wissing. "
            "Iemand in de andere rol moet akkoord geven."
        ),
        _("Geef de reden van het verzoek om te wissen."),
    )


class ErasureDeclineForm(AppForm):
    reason = _reason(
        _("Reden om af te wijzen"),
        _(
            "Bijvoorbeeld: er loopt nog een bezwaar. Na het afwijzen blijft alles "
            "over de klant bewaard."
        ),
        _("Geef de reden om het verzoek af te wijzen."),
    )

    prefix = "decline"


class ErasureApproveForm(AppForm):
    """Agreeing needs nothing but the button; the form carries the refusals."""
