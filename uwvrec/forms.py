"""The one layout of every form in uwvrec: fields as GOV.UK's question pages have them.

Every form of the app is an ``AppForm`` (or mixes in ``AppFormMixin``) and is drawn
with ``{% crispy form %}``: each field through ``templates/forms/field.html``, the
label above the field, the hint and the error between them, large inputs, radio
buttons and checkboxes. The page's template keeps the ``<form>`` element and its
buttons, since a page may post one form to two places (the participants' page).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

FIELD_TEMPLATE = "forms/field.html"
# Dates are typed the Dutch way: a browser's date picker follows the browser's
# language, not the page's, and shows mm/dd/yyyy in an English Chromium.
DATE_FORMAT = "%d-%m-%Y"
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


class AppFormHelper(FormHelper):
    """Draw the fields only; the template holds ``<form>``, the token and buttons."""

    form_tag = False
    disable_csrf = True
    field_template = FIELD_TEMPLATE


class DutchDateInput(forms.DateInput):
    """A text box for a date as "dd-mm-jjjj"."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"autocomplete": "off", "class": "date-input", **(attrs or {})},
            format=DATE_FORMAT,
        )


class DutchTimeInput(forms.TimeInput):
    """A text box for a time as "14:30" (24 hours)."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"autocomplete": "off", "class": "time-input", **(attrs or {})},
            format="%H:%M",
        )


class AppFormMixin:
    """Give a form the app's layout, and Dutch date and time entry."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and not field.widget.is_hidden:
                _dutch_date(field)
            elif isinstance(field, forms.TimeField) and not field.widget.is_hidden:
                _dutch_time(field)

    @cached_property
    def helper(self) -> FormHelper:
        return AppFormHelper(self)


def _dutch_date(field: forms.DateField) -> None:
    field.widget = DutchDateInput()
    field.input_formats = [
        *DATE_INPUT_FORMATS,
        *(f for f in field.input_formats if f not in DATE_INPUT_FORMATS),
    ]
    if not field.help_text:
        field.help_text = _("Dag-maand-jaar, bijvoorbeeld 15-01-2027.")


def _dutch_time(field: forms.TimeField) -> None:
    field.widget = DutchTimeInput()
    field.input_formats = [
        *TIME_INPUT_FORMATS,
        *(f for f in field.input_formats if f not in TIME_INPUT_FORMATS),
    ]
    if not field.help_text:
        field.help_text = _("Uren en minuten, bijvoorbeeld 14:30.")


class AppForm(AppFormMixin, forms.Form):
    """A form of uwvrec (see the module's docstring)."""
