import re
import zlib

import pytest
from django.urls import reverse

from rules.services import rule_text_publish

pytestmark = pytest.mark.django_db

PERSONAS = ["employee", "team_lead", "auditor", "admin_user"]
HANDOUT = reverse("rules:handout")
HANDOUT_NL = reverse("rules:handout_language", args=["nl"])
HANDOUT_EN = reverse("rules:handout_language", args=["en"])
PDF_NL = reverse("rules:handout_pdf", args=["nl"])
PHONE_NL = reverse("rules:phone_script", args=["nl"])
PAGES = [HANDOUT, HANDOUT_NL, HANDOUT_EN, PDF_NL, PHONE_NL]
DUTCH_TITLE = "Spelregels voor het opnemen van een gesprek met UWV"
ENGLISH_TITLE = "Rules for recording a conversation with UWV"


def pdf_objects(pdf: bytes) -> bytes:
    """Return the PDF with its compressed streams inflated, to search its objects."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    return pdf + b"".join(zlib.decompress(stream) for stream in streams)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", PAGES)
def test_every_role_can_open_the_rules(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_page_links_every_role_to_the_rules(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    home = client.get(reverse("accounts:home")).text
    assert (
        f'<a href="{HANDOUT}" class="fw-semibold">Spelregels voor de klant</a>' in home
    )


def test_handout_is_in_the_users_language_dutch_by_default(client, employee):
    client.force_login(employee)
    page = client.get(HANDOUT).text
    assert f'<h1 class="h2 mb-4">{DUTCH_TITLE}</h1>' in page
    assert '<article class="rule-text col-lg-9" lang="nl">' in page
    assert (
        '<li id="regel-R7">Als er sprake is van een verhoor door een '
        "opsporingsambtenaar.</li>" in page
    )
    assert f'<a href="{HANDOUT_EN}" hreflang="en">Spelregels in het Engels</a>' in page
    assert re.search(
        r"UWV-spelregels 2017-01, tekstversie 1 van \d+ [a-z]+ \d{4}", page
    )


def test_handout_follows_a_switch_to_english(client, employee):
    client.force_login(employee)
    client.post(reverse("set_language"), {"language": "en", "next": HANDOUT})
    page = client.get(HANDOUT).text
    assert '<html lang="en">' in page
    assert f'<h1 class="h2 mb-4">{ENGLISH_TITLE}</h1>' in page
    assert f'<a href="{HANDOUT_NL}" hreflang="nl">The rules in Dutch</a>' in page


def test_english_handout_on_a_dutch_page_is_marked_english(client, employee):
    client.force_login(employee)
    page = client.get(HANDOUT_EN).text
    assert '<html lang="nl">' in page
    assert '<article class="rule-text col-lg-9" lang="en">' in page
    assert "UWV recording rules 2017-01, text version 1 of" in page
    assert (
        f'<a href="{HANDOUT_NL}" hreflang="nl">Spelregels in het Nederlands</a>' in page
    )


def test_handout_prints_with_the_print_stylesheet(client, employee):
    client.force_login(employee)
    page = client.get(HANDOUT_NL).text
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in page
    assert "style=" not in page


def test_unknown_language_is_not_found(client, employee):
    client.force_login(employee)
    assert client.get("/spelregels/de/").status_code == 404


def test_handout_shows_the_newest_version_with_its_words_escaped(
    client, admin_user, employee
):
    rule_text_publish(
        actor=admin_user,
        policy_version="2017-01",
        language="nl",
        audience="handout",
        title="Spelregels <versie 2>",
        body="Zie <script>alert(1)</script> & meer. [R1]",
    )
    client.force_login(employee)
    page = client.get(HANDOUT_NL).text
    assert '<h1 class="h2 mb-4">Spelregels &lt;versie 2&gt;</h1>' in page
    assert (
        '<p id="regel-R1">Zie &lt;script&gt;alert(1)&lt;/script&gt; &amp; meer.</p>'
        in page
    )
    assert "tekstversie 2 van" in page


def test_handout_page_needs_a_fixed_number_of_queries(
    client, employee, django_assert_num_queries
):
    client.force_login(employee)
    # session, user, rule text; the session saved again (idle timeout) in a savepoint
    with django_assert_num_queries(6):
        assert client.get(HANDOUT).status_code == 200


def test_phone_script_is_large_type_ending_with_the_question(client, employee):
    client.force_login(employee)
    page = client.get(PHONE_NL).text
    assert 'class="rule-text phone-script col-lg-9 fs-4 lh-lg" lang="nl"' in page
    assert '<p class="fw-bold">Bent u het eens met deze spelregels?</p>' in page
    assert "Lees de tekst rustig voor." in page


def test_handout_pdf_is_a_tagged_pdf_in_the_texts_language(client, employee):
    client.force_login(employee)
    response = client.get(PDF_NL)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="spelregels-uwv-2017-01-nl.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    objects = pdf_objects(response.content)
    assert b"/StructTreeRoot" in objects
    assert b"/Marked true" in objects
    assert b"/Lang (nl)" in objects
    assert f"/Title ({DUTCH_TITLE})".encode() in objects
    assert b'pdfuaid:part="1"' in objects


def test_english_pdf_is_in_english(client, employee):
    client.force_login(employee)
    response = client.get(reverse("rules:handout_pdf", args=["en"]))
    assert response["Content-Disposition"] == (
        'inline; filename="spelregels-uwv-2017-01-en.pdf"'
    )
    objects = pdf_objects(response.content)
    assert b"/Lang (en)" in objects
    assert f"/Title ({ENGLISH_TITLE})".encode() in objects
