from django.urls import path, register_converter

from rules import views
from rules.models import RuleText


class LanguageConverter:
    """A language rule texts are written in: ``nl`` or ``en``."""

    regex = "|".join(RuleText.Language.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "rule_text_language")

app_name = "rules"

urlpatterns = [
    path("", views.HandoutView.as_view(), name="handout"),
    path(
        "<rule_text_language:language>/",
        views.HandoutView.as_view(),
        name="handout_language",
    ),
    path(
        "<rule_text_language:language>/pdf/",
        views.HandoutPdfView.as_view(),
        name="handout_pdf",
    ),
    path(
        "<rule_text_language:language>/telefoon/",
        views.PhoneScriptView.as_view(),
        name="phone_script",
    ),
]
