"""The access export as a tagged PDF (PDF/UA-1, as the handout), in Dutch.

Rendered from the same document as the JSON file (``privacy.access_report``), so
that the two hold the same.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from privacy.access_report import LANGUAGE
from rules.markup import parse_body

STYLESHEETS = ("css/print.css", "css/access-export.css")
PDF_VARIANT = "pdf/ua-1"


def access_report_pdf(document: dict[str, Any]) -> bytes:
    """Return ``document`` as a PDF/UA-1 document in Dutch."""
    # Imported here, as in rules/pdf.py: importing WeasyPrint is slow.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=())
    rule_texts = [
        {**text, "blocks": parse_body(text["body"])} for text in document["rule_texts"]
    ]
    with translation.override(LANGUAGE):
        html = render_to_string(
            "privacy/access_export_pdf.html",
            {"doc": document, "rule_texts": rule_texts},
        )
    stylesheets = [
        CSS(filename=finders.find(name), url_fetcher=no_fetching)
        for name in STYLESHEETS
    ]
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(
        stylesheets=stylesheets, pdf_variant=PDF_VARIANT
    )
