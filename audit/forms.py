"""The review's forms: the trail's filters (GET) and the export's format (POST)."""

from __future__ import annotations

import re
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.nl import bsn

from accounts.models import User
from audit.catalogue import Action, Result
from audit.exports import ExportFormat
from audit.selectors import TrailFilters, decode_cursor, reviewable_employees_for
from conversations.bsn import bsn_clean, bsn_hash, client_ref_from_hash

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
_BSN_LIKE = re.compile(r"\d{8,9}")  # as audit_record screens payloads


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


def _object_type_choices() -> list[tuple[str, Any]]:
    choices = [
        (model._meta.label_lower, capfirst(str(model._meta.verbose_name)))
        for model in apps.get_models()
    ]
    return [("", _("Alle soorten")), *sorted(choices, key=lambda item: item[1])]


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


CLIENT_REF = r"^klant-[a-p]{16}$"


class TrailFilterForm(forms.Form):
    """Narrow the audit trail down; every field may stay empty.

    ``cursor`` is the opaque position of the page after the first; the filter
    button leaves it out, so filtering starts again at the newest events.
    """

    date_from = _date_field(_("Van (datum)"))
    date_to = _date_field(_("Tot en met (datum)"))
    employee = EmployeeChoiceField(
        label=_("Medewerker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Alle medewerkers"),
    )
    action = forms.ChoiceField(label=_("Handeling"), required=False)
    result = forms.ChoiceField(label=_("Resultaat"), required=False)
    object_type = forms.ChoiceField(label=_("Soort object"), required=False)
    object_id = forms.CharField(
        label=_("Object (id)"),
        required=False,
        max_length=64,
        help_text=_("Het nummer van het object, bij een gekozen soort."),
    )
    # The client's pseudonym, set by ClientSearchForm: a BSN never reaches a URL.
    client = forms.RegexField(
        regex=CLIENT_REF, required=False, widget=forms.HiddenInput
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = reviewable_employees_for(user=user)  # type: ignore[attr-defined]
        self.fields["action"].choices = [("", _("Alle handelingen")), *Action.choices]  # type: ignore[attr-defined]
        self.fields["result"].choices = [("", _("Alle resultaten")), *Result.choices]  # type: ignore[attr-defined]
        self.fields["object_type"].choices = _object_type_choices()  # type: ignore[attr-defined]
        self.helper = self._helper()

    def _helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_method = "get"
        helper.form_id = "trail-filters"
        helper.attrs = {"novalidate": "", "aria-label": gettext("Filters")}
        helper.layout = Layout(
            Row(
                Column("date_from", css_class="col-md-3"),
                Column("date_to", css_class="col-md-3"),
                Column("employee", css_class="col-md-6"),
            ),
            Row(
                Column("action", css_class="col-md-6"),
                Column("result", css_class="col-md-6"),
            ),
            Row(
                Column("object_type", css_class="col-md-6"),
                Column("object_id", css_class="col-md-6"),
            ),
            HTML(
                format_html(
                    '<button type="submit" class="btn btn-primary">{}</button>',
                    gettext("Filteren"),
                )
            ),
        )
        return helper

    def clean_cursor(self) -> str:
        cursor = self.cleaned_data["cursor"]
        if cursor:
            decode_cursor(cursor)  # raises a Dutch ValidationError when forged
        return cursor

    def clean_object_id(self) -> str:
        object_id = self.cleaned_data["object_id"].strip()
        # The filters land in the URL and in the trail itself: never a BSN there.
        if _BSN_LIKE.fullmatch(object_id) and bsn.is_valid(object_id):
            raise ValidationError(
                _("Vul hier geen burgerservicenummer (BSN) in."), code="bsn"
            )
        return object_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                ValidationError(
                    _("De einddatum mag niet vóór de begindatum liggen."),
                    code="period",
                ),
            )
        if cleaned.get("object_id") and not cleaned.get("object_type"):
            self.add_error(
                "object_type",
                ValidationError(
                    _("Kies de soort object bij een object-id."), code="object"
                ),
            )
        return cleaned

    def filters(self) -> TrailFilters:
        """Return the valid form's filters."""
        data = self.cleaned_data
        employee = data.get("employee")
        return TrailFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor_id=employee.pk if employee else None,
            action=data.get("action", ""),
            result=data.get("result", ""),
            object_type=data.get("object_type", ""),
            object_id=data.get("object_id", ""),
            client_ref=data.get("client", ""),
        )


class ClientSearchForm(forms.Form):
    """Find a client's events by BSN, posted: the list is then filtered by the
    client's pseudonym, and the BSN itself is kept nowhere."""

    bsn = forms.CharField(
        label=_("Burgerservicenummer (BSN) van de klant"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_bsn(self) -> str:
        return bsn_clean(self.cleaned_data["bsn"])

    def client_ref(self) -> str:
        """Return the pseudonym the audit trail names this client by."""
        return client_ref_from_hash(bsn_hash(self.cleaned_data["bsn"]))


class ExportFormatForm(forms.Form):
    """Which file an export makes."""

    format = forms.ChoiceField(label=_("Bestandsformaat"), choices=ExportFormat.choices)
