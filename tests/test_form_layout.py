"""One layout for every form: each form of the app is drawn by ``uwvrec.forms``."""

from __future__ import annotations

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.utils import timezone

from uwvrec.forms import AppFormMixin

FORM_MODULES = (
    "accounts.forms",
    "audit.forms",
    "conversations.forms",
    "violations.forms",
)
# The admin site draws its own forms.
ADMIN_FORMS = {"StaffUserChangeForm", "StaffUserAddForm"}


def app_forms() -> list[type[forms.BaseForm]]:
    found = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, forms.BaseForm)
                and value.__module__ == name
                and value.__name__ not in ADMIN_FORMS
            ):
                found.append(value)
    return found


@pytest.mark.parametrize("form_class", app_forms(), ids=lambda cls: cls.__name__)
def test_every_form_of_the_app_uses_the_one_layout(form_class):
    assert issubclass(form_class, AppFormMixin)


def test_a_date_is_typed_the_dutch_way_and_shown_so():
    from conversations.forms import RescheduleForm

    day = timezone.localdate() + datetime.timedelta(days=10)
    for typed in (day.strftime("%d-%m-%Y"), day.strftime("%d/%m/%Y"), day.isoformat()):
        form = RescheduleForm({"date": typed, "time": "9.30", "place": "Kamer 2"})
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["date"] == day
        assert form.cleaned_data["time"] == datetime.time(9, 30)
    shown = str(RescheduleForm(initial={"date": day})["date"])
    assert 'type="text"' in shown
    assert f'value="{day.strftime("%d-%m-%Y")}"' in shown
