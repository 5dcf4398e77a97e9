"""System checks: every model in the admin site goes through the audited admin."""

from typing import Any

from django.contrib import admin
from django.core import checks


@checks.register(checks.Tags.admin)
def check_admins_are_audited(app_configs: Any, **kwargs: Any) -> list[checks.Error]:
    from audit.admin import AuditedModelAdmin

    return [
        checks.Error(
            f"The admin of {model._meta.label} does not record its changes in the "
            "audit trail.",
            hint="Subclass audit.admin.AuditedModelAdmin.",
            obj=type(model_admin),
            id="audit.E001",
        )
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
    ]
