"""Times as users read them: Europe/Amsterdam, Dutch form, in pages and the admin."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ConversationFactory
from tests.violations.helpers import report
from uwvrec.moments import moment_shown

# 08:00 UTC is 09:00 in Amsterdam in December (CET).
NINE_IN_AMSTERDAM = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
SUMMER_NOON = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)  # CEST


def test_a_moment_is_local_and_dutch():
    assert moment_shown(NINE_IN_AMSTERDAM) == "1 december 2026, 09:00"
    assert moment_shown(SUMMER_NOON) == "1 juli 2026, 12:00"


def test_a_moment_in_english_has_the_same_form():
    with translation.override("en"):
        assert moment_shown(NINE_IN_AMSTERDAM) == "1 December 2026, 09:00"


@pytest.mark.django_db
def test_a_conversation_is_named_by_its_local_time(employee):
    conversation = ConversationFactory(employee=employee)
    conversation.scheduled_at = NINE_IN_AMSTERDAM
    assert str(conversation) == "gewoon gesprek op 1 december 2026, 09:00"


@pytest.mark.django_db
def test_report_page_shows_the_appointment_in_dutch_local_time(
    client, employee, team_lead
):
    conversation = ConversationFactory(employee=employee)
    violation = report(employee, conversation)
    type(conversation).objects.filter(pk=conversation.pk).update(
        scheduled_at=NINE_IN_AMSTERDAM
    )
    client.force_login(team_lead)
    page = client.get(reverse("violations:detail", args=[violation.pk]))
    text = page.content.decode()
    assert "gewoon gesprek op 1 december 2026, 09:00" in text
    assert "2026-12-01 08:00" not in text


@pytest.mark.django_db
def test_admin_lists_times_in_dutch_local_form(client, admin_user, employee):
    conversation = ConversationFactory(employee=employee)
    type(conversation).objects.filter(pk=conversation.pk).update(
        scheduled_at=NINE_IN_AMSTERDAM
    )
    client.force_login(admin_user)
    page = client.get(reverse("admin:conversations_conversation_changelist"))
    assert "1 december 2026, 09:00" in page.content.decode()
