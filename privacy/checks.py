"""System checks: the retention settings are periods and a batch the database takes."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from privacy.schedule import STORED

# privacy_retention_remove takes 1 to 10000 rows a batch (privacy migration 0002).
BATCH_RANGE = range(1, 10_001)


@register()
def retention_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = [
        Error(
            f"{name} is {getattr(settings, name)!r}: a retention period is a whole "
            "number of days, at least 1.",
            id="privacy.E001",
        )
        for name in sorted({*STORED.values(), "RETENTION_EXPORT_FILE_DAYS"})
        if not isinstance(getattr(settings, name), int) or getattr(settings, name) < 1
    ]
    for name in ("RETENTION_REST_RATIO", "RETENTION_BUSY_REST_RATIO"):
        if getattr(settings, name) < 0:
            errors.append(
                Error(
                    f"{name} is {getattr(settings, name)!r}: a rest is 0 or more "
                    "times a batch's time.",
                    id="privacy.E003",
                )
            )
    if settings.RETENTION_BATCH_SIZE not in BATCH_RANGE:
        errors.append(
            Error(
                f"RETENTION_BATCH_SIZE is {settings.RETENTION_BATCH_SIZE!r}: a batch "
                "is 1 to 10000 rows.",
                id="privacy.E002",
            )
        )
    return errors
