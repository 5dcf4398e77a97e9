"""The letter to a flagged client: what it says, and the same letter as a PDF."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from violations.models import BrokenRule, ViolationReport

# The print stylesheet the browser uses too, and the letter's own (window, head).
STYLESHEETS = ("css/print.css", "css/letter.css")
# PDF/UA-1, as the handout (rules/pdf.py): tagged, with language and title.
PDF_VARIANT = "pdf/ua-1"
LANGUAGES = ("nl", "en")

# What the client did, in words the client reads, and the rule it goes against.
WHAT_YOU_DID: dict[str, Promise] = {
    BrokenRule.NOT_ALLOWED: _(
        "U hebt een gesprek opgenomen terwijl dat niet mocht. Wij hadden u van "
        "tevoren gezegd dat u dat gesprek niet mocht opnemen."
    ),
    BrokenRule.SHARED: _(
        "U hebt een opname van een gesprek met anderen gedeeld of openbaar "
        "gemaakt. Volgens de spelregels is een opname alleen voor uzelf en de "
        "mensen met wie u samenwoont of die dicht bij u staan (uw huiselijke kring)."
    ),
    BrokenRule.VIDEO: _(
        "U hebt beelden van een gesprek opgenomen. Volgens de spelregels mag u "
        "alleen het geluid opnemen, geen beeld."
    ),
    BrokenRule.SECRETLY: _(
        "U hebt een gesprek opgenomen zonder dat van tevoren te zeggen. Volgens de "
        "spelregels zegt u vooraf dat u het gesprek wilt opnemen."
    ),
    BrokenRule.THIRD_PERSON_REFUSED: _(
        "U hebt een gesprek opgenomen terwijl iemand die meedeed daar geen "
        "toestemming voor gaf. Volgens de spelregels mag u dan niet opnemen."
    ),
}


@dataclass(frozen=True)
class Letter:
    """Everything the letter shows, its texts in the letter's language."""

    report: ViolationReport
    language: str
    date: datetime.date
    reference: str
    what_you_did: str
    signer: str
    signer_role: str
    sender_address: tuple[str, ...]
    phone: str
    website: str

    @property
    def sender_address_line(self) -> str:
        return ", ".join(self.sender_address)


def report_reference(report: ViolationReport) -> str:
    """Return the report's number as the letter and the report's page show it."""
    return _("Melding %(number)s") % {"number": report.pk}


def letter_for(*, report: ViolationReport, language: str, on: datetime.date) -> Letter:
    """Return the letter about ``report`` dated ``on``, in ``language`` (nl, en)."""
    language = language if language in LANGUAGES else LANGUAGES[0]
    lead = report.decided_by
    with translation.override(language):
        return Letter(
            report=report,
            language=language,
            date=on,
            reference=report_reference(report),
            what_you_did=str(WHAT_YOU_DID[report.rule]),
            signer=lead.get_full_name() if lead else "",
            signer_role=_("%(role)s, %(team)s")
            % {"role": capfirst(Role.TEAM_LEAD.label), "team": report.team.name},
            sender_address=tuple(settings.LETTER_SENDER_ADDRESS),
            phone=settings.LETTER_CONTACT_PHONE,
            website=_website(settings.LETTER_CONTACT_URL),
        )


def _website(url: str) -> str:
    return url.removeprefix("https://").removeprefix("http://").rstrip("/")


def letter_pdf(letter: Letter) -> bytes:
    """Return ``letter`` as a PDF/UA-1 document in the letter's language."""
    # Imported here, as in rules/pdf.py: importing WeasyPrint is slow.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=())
    with translation.override(letter.language):
        html = render_to_string("violations/letter_pdf.html", {"letter": letter})
    stylesheets = [
        CSS(filename=finders.find(name), url_fetcher=no_fetching)
        for name in STYLESHEETS
    ]
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(
        stylesheets=stylesheets, pdf_variant=PDF_VARIANT
    )


def letter_pdf_filename(letter: Letter) -> str:
    """Return the downloaded file's name: brief-melding-12-nl.pdf."""
    return f"brief-melding-{letter.report.pk}-{letter.language}.pdf"
