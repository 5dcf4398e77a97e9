"""The erasure pages as the personas: asking by BSN, agreeing, declining, refusals."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.catalogue import Action
from audit.models import AuditEvent
from conversations.models import Client
from privacy.models import ErasureRequest
from privacy.services.erasure import erasure_request
from privacy.services.holds import hold_place
from tests.factories import ClientFactory, ConversationFactory, UserFactory
from tests.violations.helpers import confirmed

pytestmark = pytest.mark.django_db

ERASURES = reverse("privacy:erasures")
ASK = reverse("privacy:erasure_request")
BSN = "999990019"


@pytest.fixture
def known(employee):
    """A client who had a conversation with the employee's (and lead's) team."""
    client = ClientFactory(bsn=BSN, display_name="Fatima Yilmaz")
    ConversationFactory(employee=employee, client=client)
    return client


def asked(actor, client) -> ErasureRequest:
    return erasure_request(
        actor=actor, bsn=client.bsn, reason="Brief van de klant.", at=timezone.now()
    )


def detail(request) -> str:
    return reverse("privacy:erasure_detail", args=[request.pk])


def approve(request) -> str:
    return reverse("privacy:erasure_approve", args=[request.pk])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_team_lead_asks_through_the_form_and_an_auditor_agrees(
    client, team_lead, auditor, known
):
    client.force_login(team_lead)
    assert "een auditor" in text(client.get(ASK))
    response = client.post(ASK, {"bsn": BSN, "reason": "Brief van de klant."})
    request = ErasureRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(request)
    assert BSN not in response["Location"]
    page = text(client.get(detail(request)))
    assert "Het verzoek om Fatima Yilmaz (*****0019) te wissen is vastgelegd." in page
    assert "U hebt dit verzoek gedaan: een auditor moet akkoord geven" in page
    assert "Akkoord: klant wissen" not in page
    assert BSN not in page

    # The one who asked tries anyway: refused, told why, recorded.
    response = client.post(approve(request))
    assert response.status_code == 400
    assert "U hebt dit verzoek zelf gedaan" in text(response)

    client.force_login(auditor)
    assert "Akkoord: klant wissen" in text(client.get(detail(request)))
    response = client.post(approve(request))
    assert response.status_code == 302
    page = text(client.get(detail(request)))
    assert "De klant is gewist." in page
    assert "Gewist" in page
    assert "Fatima Yilmaz" not in page
    removed = page[page.index('id="removed"') :]
    assert "De klant (naam en versleuteld BSN)" in removed
    assert re.search(r"Gesprekken</th><td class=\"text-end\">1</td>", removed)
    assert not Client.objects.filter(pk=known.pk).exists()
    # The lead who asked still reads what became of it.
    client.force_login(team_lead)
    assert client.get(detail(request)).status_code == 200


def test_a_second_team_lead_is_told_an_auditor_must_agree(
    client, team_lead, employee, known
):
    request = asked(team_lead, known)
    second = UserFactory(team_lead=True, team=employee.team)
    client.force_login(second)
    page = text(client.get(detail(request)))
    assert "Dit verzoek wacht op akkoord van een auditor." in page
    assert "Akkoord: klant wissen" not in page
    response = client.post(approve(request))
    assert response.status_code == 400
    assert "niet een tweede teamleider" in text(response)
    event = AuditEvent.objects.filter(action=Action.ERASURE_APPROVED).latest("id")
    assert (event.actor_id, event.result, event.data) == (
        second.pk,
        "denied",
        {"code": "same_role"},
    )


def test_a_hold_refuses_and_the_page_says_why_in_dutch(
    client, team_lead, auditor, known
):
    hold_place(
        actor=auditor, bsn=BSN, reason="Bezwaar.", case_reference="BZW-2026-0042",
        until=None, at=timezone.now(),
    )  # fmt: skip
    request = asked(team_lead, known)
    client.force_login(auditor)
    response = client.post(approve(request), follow=True)
    page = text(response)
    sentence = (
        "Niet gewist: er staat een bewaarplicht op deze klant (zaak BZW-2026-0042)."
    )
    assert page.count(sentence) == 2  # the message, and the page's own account
    assert "Niet gewist</span>" in page
    assert Client.objects.filter(pk=known.pk).exists()
    # The team lead who asked is told of the hold, not of its case (holds are
    # the auditors').
    client.force_login(team_lead)
    page = text(client.get(reverse("privacy:erasure_detail", args=[request.pk])))
    assert "Niet gewist: er stond een bewaarplicht op deze klant." in page
    assert "BZW-2026-0042" not in page


def test_a_flag_refuses_and_the_page_says_why(
    client, employee, team_lead, auditor, known
):
    confirmed(employee, team_lead, ConversationFactory(employee=employee, client=known))
    request = asked(team_lead, known)
    client.force_login(auditor)
    page = text(client.post(approve(request), follow=True))
    assert "Niet gewist: deze klant is gesignaleerd na een bevestigde overtreding." in (
        page
    )


def test_a_decline_needs_a_reason_and_keeps_the_client(
    client, team_lead, auditor, known
):
    request = asked(auditor, known)
    client.force_login(team_lead)
    decline = reverse("privacy:erasure_decline", args=[request.pk])
    response = client.post(decline)
    assert response.status_code == 400
    assert "Geef de reden om het verzoek af te wijzen." in text(response)
    response = client.post(
        decline, {"decline-reason": "Er loopt bezwaar."}, follow=True
    )
    page = text(response)
    assert "Het verzoek is afgewezen." in page
    assert "Er loopt bezwaar." in page
    assert Client.objects.filter(pk=known.pk).exists()


def test_a_bsn_of_a_client_outside_the_team_is_said_beside_the_field(
    client, auditor, known
):
    other_lead = UserFactory(team_lead=True)
    client.force_login(other_lead)
    response = client.post(ASK, {"bsn": BSN, "reason": "Brief."})
    assert response.status_code == 200
    page = text(response)
    assert "Deze klant had geen gesprek met uw team." in page
    assert 'href="#id_bsn"' in page
    assert BSN not in page
    assert not ErasureRequest.objects.exists()


def test_the_list_shows_open_requests_first_and_records_each(
    client, team_lead, auditor, employee, known, django_assert_num_queries
):
    declined_client = ConversationFactory(employee=employee).client
    old = asked(auditor, declined_client)
    old.status, old.declined_by, old.declined_at = "declined", team_lead, timezone.now()
    old.declined_reason = "Nee."
    old.save()
    waiting = asked(team_lead, known)
    client.force_login(auditor)
    client.get(ERASURES)
    with django_assert_num_queries(5):
        response = client.get(ERASURES)
    page = text(response)
    open_part = page[page.index('id="open"') : page.index('id="closed"')]
    assert "Fatima Yilmaz" in open_part
    assert declined_client.display_name in page[page.index('id="closed"') :]
    viewed = AuditEvent.objects.filter(action=Action.ERASURE_VIEWED)
    assert sorted(viewed.values_list("object_id", flat=True)) == sorted(
        2 * [str(waiting.pk), str(old.pk)]
    )


def test_a_team_lead_of_another_team_gets_a_404(client, auditor, known):
    request = asked(auditor, known)
    client.force_login(UserFactory(team_lead=True))
    assert client.get(detail(request)).status_code == 404
    assert client.post(approve(request)).status_code == 404
    assert ErasureRequest.objects.get().status == "requested"


@pytest.mark.parametrize("persona", ["employee", "admin_user"])
def test_the_erasure_pages_are_refused_to_employees_and_admins(
    client, request, auditor, known, persona
):
    erasure = asked(auditor, known)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for url in (ERASURES, ASK, detail(erasure)):
        assert client.get(url).status_code == 403, url
    assert client.post(ASK, {"bsn": BSN}).status_code == 403
    assert client.post(approve(erasure)).status_code == 403
    refused = AuditEvent.objects.filter(actor_id=user.pk, result="denied")
    assert set(refused.values_list("action", flat=True)) == {
        Action.ERASURE_VIEWED,
        Action.ERASURE_REQUESTED,
        Action.ERASURE_APPROVED,
    }


def test_the_auditors_tabs_lead_to_the_erasures(client, auditor):
    client.force_login(auditor)
    page = text(client.get(reverse("privacy:holds")))
    assert f'href="{ERASURES}">Wissen op verzoek</a>' in page
