"""The four roles of uwvrec; each is a group, created by a data migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A role is a group of this name; the label is what users read."""

    EMPLOYEE = "employee", _("medewerker")
    TEAM_LEAD = "team_lead", _("teamleider")
    AUDITOR = "auditor", _("auditor")
    ADMIN = "admin", _("functioneel beheerder")
