"""The closed catalogue of audit actions: dotted names, past tense.

Every action is documented, with its payload, in ``docs/audit-events.md``; a test
keeps the two in step.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGGED_IN = "auth.logged_in", _("ingelogd")
    LOGGED_OUT = "auth.logged_out", _("uitgelogd")
    LOGIN_FAILED = "auth.login_failed", _("inloggen mislukt")
    ADMIN_ADDED = "admin.object_added", _("toegevoegd in beheer")
    ADMIN_CHANGED = "admin.object_changed", _("gewijzigd in beheer")
    ADMIN_DELETED = "admin.object_deleted", _("verwijderd in beheer")
    TRAIL_VIEWED = "audit.trail_viewed", _("audittrail bekeken")
    EVENT_VIEWED = "audit.event_viewed", _("auditgebeurtenis bekeken")
    TRAIL_EXPORTED = "audit.trail_exported", _("audittrail geëxporteerd")
    TRAIL_VERIFIED = "audit.trail_verified", _("audittrail gecontroleerd")
    RULE_TEXT_PUBLISHED = "rules.text_published", _("spelregeltekst gepubliceerd")


class Result(models.TextChoices):
    SUCCESS = "success", _("gelukt")
    DENIED = "denied", _("geweigerd")
    FAILED = "failed", _("mislukt")


class Origin(models.TextChoices):
    WEB = "web", _("web")
    TASK = "task", _("achtergrondtaak")
    COMMAND = "command", _("opdrachtregel")
