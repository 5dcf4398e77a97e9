"""The letter to a flagged client: a page to print and a PDF, for the team lead."""

import datetime
import html as html_module
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import UserFactory
from tests.pdftext import pdf_objects, pdf_text
from tests.violations.helpers import confirmed, report
from violations.models import ViolationReport
from violations.services import violation_dismiss, violation_withdraw

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
MORNING = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def made(reporter, lead, conversation):
    lead.first_name, lead.last_name = "Ahmed", "El Amrani"
    lead.save()
    lead.team.name = "Team Amsterdam Klant & Service 1"
    lead.team.save()
    with time_machine.travel(MORNING, tick=False):
        return confirmed(reporter, lead, conversation, "shared_outside_home")


def letter(client, made, lang="nl", name="letter"):
    with time_machine.travel(MORNING, tick=False):
        return client.get(reverse(f"violations:{name}", args=[made.pk]), {"lang": lang})


def text_of(html: str) -> str:
    """Return the page's text as a reader sees it: no tags, single spaces."""
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def window_of(html: str) -> str:
    match = re.search(r'data-testid="letter-window">(.*?)</div>', html, re.DOTALL)
    assert match, "the letter has no address window"
    return text_of(match[1])


def test_the_letter_is_addressed_dated_referenced_and_signed(client, lead, made):
    client.force_login(lead)
    html = letter(client, made).content.decode()
    name = made.client.display_name
    assert window_of(html).split() == [
        *name.split(),
        "[adres",
        "van",
        "de",
        "klant",
        "invullen]",
    ]
    text = text_of(html)
    assert "Datum 1 december 2026" in text
    assert f"Ons kenmerk Melding {made.pk}" in text
    assert f"Geachte {name}," in text
    assert "Op 30 november 2026 hebt u zich niet gehouden aan de spelregels" in text
    assert "U hebt een opname van een gesprek met anderen gedeeld" in text
    assert "binnen 6 weken na de datum van deze brief" in text
    assert "Stuur uw bezwaar naar UWV, Postbus 58285, 1040 HG Amsterdam." in text
    assert "Bel ons op 088 - 898 92 94, of kijk op www.uwv.nl." in text
    assert f"Noem dan het kenmerk van deze brief: Melding {made.pk}." in text
    assert (
        "Met vriendelijke groet, Ahmed El Amrani "
        "Teamleider, Team Amsterdam Klant & Service 1 UWV"
    ) in text
    # Codes and internal words stay out of the letter.
    assert "shared_outside_home" not in html
    assert "R8" not in text


def test_the_page_has_a_print_button_and_the_pdf(client, lead, made):
    client.force_login(lead)
    html = letter(client, made).content.decode()
    assert "data-print hidden>Afdrukken</button>" in html
    assert '<script src="/static/js/print.js" defer></script>' in html
    pdf = reverse("violations:letter_pdf", args=[made.pk])
    assert f'href="{pdf}?lang=nl" type="application/pdf" download>' in html


def test_contact_details_come_from_the_settings(client, lead, made, settings):
    settings.LETTER_SENDER_ADDRESS = ["UWV Utrecht", "Postbus 1", "3500 AA Utrecht"]
    settings.LETTER_CONTACT_PHONE = "030 - 123 45 67"
    settings.LETTER_CONTACT_URL = "https://www.uwv.nl/contact/"
    client.force_login(lead)
    text = text_of(letter(client, made).content.decode())
    assert "UWV Utrecht Postbus 1 3500 AA Utrecht" in text
    assert "Bel 030 - 123 45 67" in text
    assert "Stuur uw bezwaar naar UWV Utrecht, Postbus 1, 3500 AA Utrecht." in text
    assert "of kijk op www.uwv.nl/contact." in text


def test_the_english_letter_keeps_the_page_around_it_in_dutch(client, lead, made):
    client.force_login(lead)
    html = letter(client, made, lang="en").content.decode()
    assert '<html lang="nl">' in html
    assert '<article class="letter" lang="en"' in html
    text = text_of(html)
    assert "Date 1 December 2026" in text
    assert f"Our reference Report {made.pk}" in text
    assert f"Dear {made.client.display_name}," in text
    assert "[fill in the client's address]" in text
    assert "Team lead, Team Amsterdam Klant & Service 1" in text
    assert "Terug naar de melding" in text
    assert "Brief in het Nederlands" in text


def test_the_pdf_is_the_letter_with_name_and_reference(client, lead, made):
    client.force_login(lead)
    response = letter(client, made, name="letter_pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="brief-melding-{made.pk}-nl.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    objects = pdf_objects(response.content)
    assert b"/Lang (nl)" in objects
    assert f"/Title (Melding {made.pk}: U mag gesprekken".encode() in objects
    # The longest letter (this rule's reason) fits on one sheet, for the envelope.
    pages = re.search(rb"/Type /Pages/Kids \[[^]]*\]/Count (\d+)", objects)
    assert pages
    assert pages[1] == b"1"
    text = pdf_text(response.content)
    assert made.client.display_name in text
    assert "[adres van de klant invullen]" in text
    assert f"Melding {made.pk}" in text
    assert "1 december 2026" in text
    assert "Ahmed El Amrani" in text


def test_the_english_pdf_is_in_english(client, lead, made):
    client.force_login(lead)
    response = letter(client, made, lang="en", name="letter_pdf")
    assert response["Content-Disposition"] == (
        f'attachment; filename="brief-melding-{made.pk}-en.pdf"'
    )
    objects = pdf_objects(response.content)
    assert b"/Lang (en)" in objects
    assert f"/Title (Report {made.pk}: You may no longer record".encode() in objects
    assert f"Our reference\nReport {made.pk}" in pdf_text(response.content)


def test_each_letter_made_is_audited_with_its_language_and_format(client, lead, made):
    client.force_login(lead)
    letter(client, made)
    letter(client, made, lang="en", name="letter_pdf")
    printed = AuditEvent.objects.filter(action="violation.letter_printed")
    assert [
        (event.actor_id, event.object_id, event.result, event.data)
        for event in printed.order_by("id")
    ] == [
        (lead.pk, str(made.pk), "success", {"language": "nl", "format": "page"}),
        (lead.pk, str(made.pk), "success", {"language": "en", "format": "pdf"}),
    ]


def test_the_report_page_shows_the_reference_and_links_the_pdf(client, lead, made):
    client.force_login(lead)
    html = client.get(reverse("violations:detail", args=[made.pk])).content.decode()
    assert f'data-testid="report-reference">Melding {made.pk}</dd>' in html
    assert reverse("violations:letter_pdf", args=[made.pk]) + "?lang=nl" in html


@pytest.mark.parametrize("name", ["letter", "letter_pdf"])
@pytest.mark.parametrize("state", ["reported", "dismissed", "withdrawn"])
def test_no_letter_for_a_report_that_does_not_flag(
    client, reporter, lead, other_lead, conversation, name, state
):
    if state == "withdrawn":
        made = confirmed(reporter, lead, conversation)
        violation_withdraw(
            actor=other_lead, report=made, reason="Vergissing.", at=timezone.now()
        )
    else:
        made = report(reporter, conversation)
    if state == "dismissed":
        violation_dismiss(actor=lead, report=made, reason="Nee.", at=timezone.now())
    client.force_login(lead)
    assert client.get(reverse(f"violations:{name}", args=[made.pk])).status_code == 404
    refused = AuditEvent.objects.get(action="violation.letter_printed")
    assert (refused.actor_id, refused.result) == (lead.pk, "denied")


@pytest.mark.parametrize("persona", ["auditor", "other_team_lead", "employee"])
def test_only_a_team_lead_of_the_team_gets_the_pdf(client, reporter, made, persona):
    user = {
        "auditor": UserFactory(auditor=True),
        "other_team_lead": UserFactory(team_lead=True),
        "employee": reporter,
    }[persona]
    client.force_login(user)
    response = client.get(reverse("violations:letter_pdf", args=[made.pk]))
    assert response.status_code == 404
    assert ViolationReport.objects.get(pk=made.pk).flags


def test_the_pdf_sends_an_anonymous_user_to_the_login(client, made):
    url = reverse("violations:letter_pdf", args=[made.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
