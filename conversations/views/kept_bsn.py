"""A BSN typed on a form that failed, kept for the next try in the session.

The page never holds it (the field writes no BSN back, and no hidden field is
used), and neither does the URL: it is kept in the server-side session,
encrypted like a stored BSN, shown only masked, and forgotten once used, when
another BSN is typed, or when the form is opened afresh.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from conversations.bsn import bsn_decrypt, bsn_encrypt
from conversations.forms import ClientForm

SESSION_KEY = "conversations:kept_bsn"


def bsn_keep(session: SessionBase, bsn: str) -> None:
    session[SESSION_KEY] = bsn_encrypt(bsn)


def bsn_kept(session: SessionBase) -> str | None:
    """Return the kept BSN, or None (also when its key has been rotated away)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    try:
        return bsn_decrypt(token)
    except ImproperlyConfigured:
        return None


def bsn_forget(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


class KeptBsnMixin:
    """For a FormView with a ``ClientForm``: keep a valid BSN when the form fails.

    Call ``bsn_used`` once the BSN did its work (the conversation is made).
    """

    request: HttpRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        bsn_forget(request.session)  # a fresh form starts without one
        return super().get(request, *args, **kwargs)  # type: ignore[misc]

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        if self.request.method == "POST":
            kwargs["kept_bsn"] = bsn_kept(self.request.session)
        return kwargs

    def form_invalid(self, form: ClientForm) -> HttpResponse:
        if bsn := form.cleaned_data.get("bsn"):
            bsn_keep(self.request.session, bsn)
            form.keep_bsn(bsn)
        elif form.bsn_typed():  # another BSN, not a valid one: forget the old
            bsn_forget(self.request.session)
            form.keep_bsn(None)
        return super().form_invalid(form)  # type: ignore[misc]

    def bsn_used(self) -> None:
        bsn_forget(self.request.session)
