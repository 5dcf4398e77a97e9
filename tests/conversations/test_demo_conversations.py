"""The demo day: every kind and channel for the demo employee's team, some decided."""

import io

import pytest
from django.core.management import call_command

from conversations.models import Conversation, Decision

pytestmark = pytest.mark.django_db


def test_load_demo_data_plans_a_realistic_day_once(db):
    call_command("load_demo_data", stdout=io.StringIO())
    team = Conversation.objects.filter(employee__username="medewerker")
    count = team.count()
    call_command("load_demo_data", stdout=io.StringIO())
    assert team.count() == count
    assert {c.kind for c in team} == {"regular", "mediation", "investigation_interview"}
    assert {c.channel for c in team} == {"face_to_face", "phone"}
    assert {"planned", "in_checklist", "decided", "held"} <= {c.status for c in team}
    decided = Decision.objects.filter(conversation__in=team)
    assert {d.outcome for d in decided} == {"allowed", "not_requested"}
    assert Conversation.objects.filter(employee__username="medewerker2").exists()
