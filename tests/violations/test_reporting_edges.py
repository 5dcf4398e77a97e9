"""A client who recorded against the decision, and a conversation reported twice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conversations.services import conversation_conclude, decision_record
from tests.conversations.helpers import walk_to_outcome
from tests.violations.helpers import report
from violations.models import ViolationReport
from violations.services import ViolationError, violation_report

pytestmark = pytest.mark.django_db


def posted(rule="recorded_not_allowed", **extra):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return {
        "rule": rule,
        "what_happened": "Nam op met de telefoon.",
        "happened_on": yesterday.isoformat(),
        "how_established": "Zelf gezien.",
        **extra,
    }


def held(reporter, conversation, *, client_recorded, **walk):
    walk_to_outcome(reporter, conversation, **walk)
    conversation.refresh_from_db()
    decision_record(
        actor=reporter,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    conversation_conclude(
        actor=reporter,
        conversation=conversation,
        client_recorded=client_recorded,
        uwv_recorded=False,
    )


def test_recording_against_a_refusal_offers_the_report(client, reporter, conversation):
    held(reporter, conversation, client_recorded=True, accepts=False)
    client.force_login(reporter)
    page = client.get(reverse("conversations:detail", args=[conversation.pk])).text
    url = reverse("violations:report", args=[conversation.pk])
    assert "De klant nam op, maar dat mocht niet" in page
    assert f'href="{url}?regel=recorded_not_allowed"' in page
    assert page.count("Overtreding melden") == 1  # the offer, not a second link too
    form = client.get(f"{url}?regel=recorded_not_allowed")
    assert form.context["form"].initial == {"rule": "recorded_not_allowed"}


def test_concluding_leads_to_the_offer(client, reporter, conversation):
    walk_to_outcome(reporter, conversation, accepts=False)
    conversation.refresh_from_db()
    decision_record(
        actor=reporter,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    client.force_login(reporter)
    response = client.post(
        reverse("conversations:conclude", args=[conversation.pk]),
        {"client_recorded": "yes", "uwv_recorded": "no"},
        follow=True,
    )
    assert "De klant nam op, maar dat mocht niet" in response.text


def test_recording_a_conversation_not_asked_to_record_offers_a_secret_recording(
    client, reporter, conversation
):
    held(reporter, conversation, client_recorded=True, wish="no")
    client.force_login(reporter)
    page = client.get(reverse("conversations:detail", args=[conversation.pk])).text
    assert "?regel=recorded_secretly" in page


@pytest.mark.parametrize(
    ("walk", "client_recorded"), [({}, True), ({"accepts": False}, False)]
)
def test_no_offer_when_the_recording_was_allowed_or_not_made(
    client, reporter, conversation, walk, client_recorded
):
    held(reporter, conversation, client_recorded=client_recorded, **walk)
    client.force_login(reporter)
    page = client.get(reverse("conversations:detail", args=[conversation.pk])).text
    assert "De klant nam op, maar dat mocht niet" not in page


def test_no_offer_once_it_is_reported(client, reporter, conversation):
    held(reporter, conversation, client_recorded=True, accepts=False)
    report(reporter, conversation, "recorded_not_allowed")
    client.force_login(reporter)
    page = client.get(reverse("conversations:detail", args=[conversation.pk])).text
    assert "De klant nam op, maar dat mocht niet" not in page


def test_an_unknown_rule_in_the_link_preselects_nothing(client, reporter, conversation):
    client.force_login(reporter)
    url = reverse("violations:report", args=[conversation.pk])
    assert client.get(f"{url}?regel=%3Cscript%3E").context["form"].initial == {}


def test_a_second_report_shows_the_first_and_asks_to_confirm(
    client, reporter, lead, conversation
):
    first = report(reporter, conversation, "recorded_not_allowed")
    client.force_login(reporter)
    url = reverse("violations:report", args=[conversation.pk])
    form = client.get(url).text
    assert "Bij dit gesprek is al gemeld" in form
    assert "opgenomen terwijl dat niet mocht, op" in form
    assert "Ik meld iets anders dan wat hierboven al gemeld is." in form

    response = client.post(url, posted())
    assert response.status_code == 200
    assert "Bij dit gesprek is al een overtreding gemeld." in response.text
    assert list(ViolationReport.objects.all()) == [first]
    refused = AuditEvent.objects.filter(
        action="violation.reported", result="failed"
    ).get()
    assert refused.data == {"code": "already_reported"}

    response = client.post(url, posted("shared_outside_home", other_than_earlier="on"))
    assert response.status_code == 302
    assert ViolationReport.objects.count() == 2


def test_the_service_refuses_a_second_report_not_confirmed_as_another(
    reporter, conversation
):
    report(reporter, conversation)
    with pytest.raises(ViolationError) as raised:
        report(reporter, conversation)
    assert raised.value.code == "already_reported"
    second = violation_report(
        actor=reporter,
        conversation=conversation,
        rule="video_recorded",
        what_happened="Filmde ook.",
        happened_on=timezone.localdate(),
        how_established="Zelf gezien.",
        at=timezone.now(),
        other_than_earlier=True,
    )
    assert second.rule == "video_recorded"


def test_a_report_made_meanwhile_stops_the_form_and_asks(
    client, reporter, conversation
):
    client.force_login(reporter)
    url = reverse("violations:report", args=[conversation.pk])
    assert "Bij dit gesprek is al gemeld" not in client.get(url).text
    report(reporter, conversation)  # a colleague, in the meantime
    response = client.post(url, posted())
    assert response.status_code == 200
    assert "Bij dit gesprek is al gemeld" in response.text
    assert "Bij dit gesprek is al een overtreding gemeld." in response.text
    assert ViolationReport.objects.count() == 1
