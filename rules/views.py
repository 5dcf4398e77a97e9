from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from rules.access import may_read_rules
from rules.models import RuleText
from rules.pdf import rule_text_pdf, rule_text_pdf_filename
from rules.selectors import rule_text_in_force


class RuleTextMixin:
    """Find the text in force today, in the URL's language or else the UI's."""

    audience: ClassVar[str]
    kwargs: dict[str, Any]
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The login comes first (LoginRequiredMiddleware); the policy has the say.
        if not may_read_rules(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def rule_text(self) -> RuleText:
        try:
            return rule_text_in_force(
                on=timezone.localdate(),
                language=self.language(),
                audience=self.audience,
            )
        except RuleText.DoesNotExist:
            raise Http404(_("Er is geen spelregeltekst in deze taal.")) from None

    def language(self) -> str:
        return self.kwargs.get("language") or _ui_language()


def _ui_language() -> str:
    language = translation.get_language()
    return language if language in RuleText.Language.values else settings.LANGUAGE_CODE


class RuleTextPageView(RuleTextMixin, TemplateView):
    """Show a rule text, with links to it in the other language."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        text = self.rule_text()
        context["text"] = text
        context["other_languages"] = [
            (code, label)
            for code, label in RuleText.Language.choices
            if code != text.language
        ]
        return context


class HandoutView(RuleTextPageView):
    """The rules as the client reads them; prints without the page around it."""

    audience = RuleText.Audience.HANDOUT
    template_name = "rules/ruletext_handout.html"


class PhoneScriptView(RuleTextPageView):
    """The rules in short sentences, in large type, for reading aloud."""

    audience = RuleText.Audience.PHONE_SCRIPT
    template_name = "rules/ruletext_phone_script.html"


class HandoutPdfView(RuleTextMixin, View):
    """The handout as a tagged PDF, shown in the browser."""

    audience = RuleText.Audience.HANDOUT

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        text = self.rule_text()
        response = HttpResponse(rule_text_pdf(text), content_type="application/pdf")
        response["Content-Disposition"] = (
            content_disposition_header(
                as_attachment=False, filename=rule_text_pdf_filename(text)
            )
            or "inline"
        )
        return response
