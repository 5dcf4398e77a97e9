"""The review's forms: the trail's filters, a client's BSN, the export's format.

All three are posted: what is typed into them can be personal data, which must not
reach a URL or a log line (docs/adr/0004-audit-review-filters-are-posted.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.catalogue import Action, Result
from audit.export_formats import ExportFormat
from audit.selectors import TrailFilters, decode_cursor, reviewable_employees_for
from audit.services.record import personal_data_in
from conversations.bsn import bsn_hash, client_ref_from_hash
from conversations.forms import BsnField
from uwvrec.forms import FIELD_TEMPLATE, AppForm
from uwvrec.moments import day_shown

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
# The trail starts long after the first and ends long before the last of these,
# and a day past the last is still a date (the period ends at the next midnight).
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
BSN_MESSAGE = _("Vul hier geen burgerservicenummer (BSN) in.")


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


# What events are done to, as a reviewer meets them; the chain's own tables, the
# export jobs, sessions and the like are never an event's object.
REVIEWED_OBJECT_TYPES = (
    "accounts.user",
    "accounts.team",
    "auth.group",
    "conversations.client",
    "conversations.conversation",
    "conversations.participant",
    "conversations.decision",
    "rules.ruletext",
    "violations.violationreport",
    "violations.notification",
    "privacy.legalhold",
    "privacy.erasurerequest",
    "audit.auditevent",
)


def _object_type_choices() -> list[tuple[str, Any]]:
    models = [apps.get_model(label) for label in REVIEWED_OBJECT_TYPES]
    choices = [
        (model._meta.label_lower, capfirst(str(model._meta.verbose_name)))
        for model in models
    ]
    return [("", _("Alle soorten")), *sorted(choices, key=lambda item: item[1])]


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
    )


def _within_bounds(day: dt.date | None) -> dt.date | None:
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("Kies een datum van %(first)s tot en met %(last)s."),
            code="out_of_range",
            params={
                "first": day_shown(FIRST_DAY),
                "last": day_shown(LAST_DAY),
            },
        )
    return day


CLIENT_REF = r"^klant-[a-p]{16}$"


class TrailFilterForm(AppForm):
    """Narrow the audit trail down; every field may stay empty.

    The form is posted; the view keeps valid filters in the session and binds the
    form to them again for each page. ``cursor`` is the opaque position of the page
    after the first, from the page's URL; the filter button leaves it out, so
    filtering starts again at the newest events.
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
    include_reads = forms.BooleanField(
        label=_("Ook inzage in de audittrail tonen"),
        required=False,
        help_text=_(
            "Elke keer dat iemand de audittrail of een gebeurtenis bekijkt, wordt "
            "dat vastgelegd. Zonder dit vinkje ziet u die gebeurtenissen niet."
        ),
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
        helper.field_template = FIELD_TEMPLATE  # the app's one field layout
        helper.form_method = "post"
        helper.form_action = reverse("audit:trail")
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
            "include_reads",
            "client",  # a client found by BSN stays chosen when filtering on
            HTML(
                format_html(
                    '<button type="submit" class="btn btn-primary btn-lg">{}</button>',
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
        return str(self.cleaned_data["object_id"]).strip()

    def clean_date_from(self) -> dt.date | None:
        return _within_bounds(self.cleaned_data["date_from"])

    def clean_date_to(self) -> dt.date | None:
        return _within_bounds(self.cleaned_data["date_to"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._refuse_bsn_like()
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

    def _refuse_bsn_like(self) -> None:
        """Refuse every field whose text holds a number passing the eleven-test.

        The filters are recorded in the trail, which refuses such a number anywhere
        in a text: an object id ``x999990019`` must be refused here, in Dutch. The
        text is taken out of the form, so the page does not show it again either.
        """
        refused = {name for name in FILTER_FIELDS if self._holds_personal_data(name)}
        if not refused:
            return
        blanked = {self.add_prefix(name) for name in refused}
        self.data = {
            key: "" if key in blanked else value for key, value in self.data.items()
        }
        for name in refused:
            self.errors.pop(name, None)  # one message: not also "not a date"
            self.add_error(name, ValidationError(BSN_MESSAGE, code="bsn"))

    def _holds_personal_data(self, name: str) -> bool:
        key = self.add_prefix(name)
        data = self.data
        values = (
            data.getlist(key) if isinstance(data, MultiValueDict) else [data.get(key)]
        )
        return any(isinstance(v, str) and personal_data_in(v) for v in values)

    def stored_data(self) -> dict[str, str]:
        """Return the valid form's filters as submitted, to bind the form again."""
        return {
            name: str(self[name].data)
            for name in FILTER_FIELDS
            if self[name].data not in (None, "", False)
        }

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
            include_reads=bool(data.get("include_reads")),
        )


class ClientSearchForm(AppForm):
    """Find a client's events by BSN, posted: the list is then filtered by the
    client's pseudonym, and the BSN itself is kept nowhere, nor shown again."""

    bsn = BsnField(label=_("Burgerservicenummer (BSN) van de klant"))

    def client_ref(self) -> str:
        """Return the pseudonym the audit trail names this client by."""
        return client_ref_from_hash(bsn_hash(self.cleaned_data["bsn"]))


def error_codes(form: forms.Form) -> dict[str, list[str]]:
    """Return each refused field's error codes: what went wrong, never the text."""
    return {
        name: [error.code or "invalid" for error in errors.as_data()]
        for name, errors in form.errors.items()
    }


# The fields that narrow the trail down; the cursor only pages through it.
FILTER_FIELDS = (
    "date_from",
    "date_to",
    "employee",
    "action",
    "result",
    "object_type",
    "object_id",
    "client",
    "include_reads",
)


class ExportFormatForm(AppForm):
    """Which file an export makes."""

    format = forms.ChoiceField(label=_("Bestandsformaat"), choices=ExportFormat.choices)
