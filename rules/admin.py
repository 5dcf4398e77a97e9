from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from rules.engine import POLICIES
from rules.models import RuleText
from rules.services import rule_text_publish

PUBLISHED_FIELDS = (
    "title",
    "policy_version",
    "language",
    "audience",
    "text_version",
    "published_by",
    "published_at",
    "body",
)


class RuleTextPublishForm(forms.ModelForm):
    """The fields of a new version; the service numbers it and records who."""

    policy_version = forms.ChoiceField(
        label=RuleText._meta.get_field("policy_version").verbose_name,
        choices=[(version, version) for version in reversed(list(POLICIES))],
    )

    class Meta:
        model = RuleText
        fields = ("policy_version", "language", "audience", "title", "body")
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "cols": 100})}  # noqa: RUF012


@admin.register(RuleText)
class RuleTextAdmin(AuditedModelAdmin):
    """Published texts are read-only; "add" publishes the next version.

    Saving goes through ``rule_text_publish`` alone, never ``obj.save()``: the
    service checks the permission, numbers the version and is the one place that
    records what happened.
    """

    form = RuleTextPublishForm
    list_display = (
        "title",
        "policy_version",
        "language",
        "audience",
        "text_version",
        "published_by",
        "published_at",
    )
    list_filter = ("policy_version", "language", "audience")
    list_select_related = ("published_by",)
    search_fields = ("title", "body")

    def get_fields(self, request: HttpRequest, obj: RuleText | None = None) -> Any:
        return PUBLISHED_FIELDS if obj else RuleTextPublishForm.Meta.fields

    def get_readonly_fields(
        self, request: HttpRequest, obj: RuleText | None = None
    ) -> Any:
        return PUBLISHED_FIELDS if obj else ()

    def has_change_permission(
        self, request: HttpRequest, obj: RuleText | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: RuleText | None = None
    ) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: RuleText, form: forms.ModelForm, change: bool
    ) -> None:
        """Publish through the service; the admin goes on with the row it wrote."""
        published = rule_text_publish(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        obj.pk = published.pk
        obj.refresh_from_db()
