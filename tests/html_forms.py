"""Read the forms of a page as a browser would submit them.

The hostile-input tests take every field from the page the app serves (so a field
added later is tried too), and start from the values a browser would send.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class HtmlForm:
    action: str  # the path it posts (or gets) to
    method: str
    names: list[str] = field(default_factory=list)  # every field, in page order
    values: dict[str, list[str]] = field(default_factory=dict)  # what is sent

    def add(self, name: str, value: str | None) -> None:
        if name not in self.names:
            self.names.append(name)
        if value is not None:
            self.values.setdefault(name, []).append(value)


class _Parser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[HtmlForm] = []
        self.form: HtmlForm | None = None
        self.select: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []
        # A submit button's formaction sends the same form elsewhere.
        self.formactions: list[str] = []

    def _path(self, url: str) -> str:
        action = urlsplit(urljoin(self.page, url or self.page))
        return action.path + (f"?{action.query}" if action.query else "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.form = HtmlForm(
                self._path(a.get("action", "")), a.get("method", "get").upper()
            )
            self.forms.append(self.form)
            self.formactions = []
        elif self.form is None:
            return
        elif tag in ("button", "input") and a.get("formaction"):
            self.formactions.append(self._path(a["formaction"]))
            if "name" in a:
                self.form.add(a["name"], None)
        elif tag == "option":
            if self.select and "selected" in a:
                self.form.add(self.select, a.get("value", ""))
        elif "name" not in a:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.form.add(a["name"], None)  # sent only when it is the one clicked
        elif tag == "select":
            self.select = a["name"]
            self.form.add(a["name"], None)
        elif tag == "textarea":
            self.textarea, self.text = a["name"], []

    def _input(self, a: dict[str, str]) -> None:
        assert self.form is not None
        kind = a.get("type", "text")
        if kind in ("submit", "image"):
            # Sent only when it is the button clicked.
            self.form.add(a["name"], None)
            return
        if kind in ("button", "reset", "file"):
            return
        checkable = kind in ("radio", "checkbox")
        sent = not checkable or "checked" in a
        default = "on" if checkable else ""
        self.form.add(a["name"], a.get("value", default) if sent else None)

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form is not None:
            form = self.form
            self.forms.extend(
                HtmlForm(action, form.method, list(form.names), dict(form.values))
                for action in self.formactions
            )
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.form is not None and self.textarea:
            self.form.add(self.textarea, "".join(self.text).removeprefix("\n"))
            self.textarea = None


def forms_of(page_url: str, html: str) -> list[HtmlForm]:
    """Return the forms of ``html``, served at ``page_url``."""
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms
