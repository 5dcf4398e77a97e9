"""Render a rule text as a tagged PDF, for printing or sending to a client."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from rules.models import RuleText

# The print stylesheet the browser uses too, so that paper looks the same.
STYLESHEET = "css/print.css"
# PDF/UA-1: tagged, with the document's language and title; readable aloud.
PDF_VARIANT = "pdf/ua-1"


def rule_text_pdf(text: RuleText) -> bytes:
    """Return ``text`` as a PDF/UA-1 document in the text's own language."""
    # Imported here: WeasyPrint parses its own stylesheets when imported, which
    # every process that loads the URLconf would otherwise pay for.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # The document needs nothing from outside: refuse every URL it might name.
    no_fetching = URLFetcher(allowed_protocols=())
    html = render_to_string("rules/ruletext_pdf.html", {"text": text})
    stylesheet = CSS(filename=finders.find(STYLESHEET), url_fetcher=no_fetching)
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(
        stylesheets=[stylesheet], pdf_variant=PDF_VARIANT
    )


def rule_text_pdf_filename(text: RuleText) -> str:
    """Return the file name a downloaded PDF gets: spelregels-uwv-2017-01-nl.pdf."""
    return f"spelregels-uwv-{text.policy_version}-{text.language}.pdf"
