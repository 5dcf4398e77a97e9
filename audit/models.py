"""The audit trail: events, the hash chain over them, its queue and its anchors.

The tables are made by hand-written SQL in the migrations (partitioning, triggers);
these models describe them to Django. See docs/adr/0002-audit-trail.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Func
from django.utils.translation import gettext_lazy as _

from audit.catalogue import Action, Origin, Result
from uwvrec.db.models import AppendOnlyModel


class ClockTimestamp(Func):
    """PostgreSQL's ``clock_timestamp()``: the database's time at this very moment."""

    function = "clock_timestamp"
    output_field = models.DateTimeField()


class AuditEvent(AppendOnlyModel):
    """One thing that happened: who, what, on what, with what result, from where."""

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("tijdstip"), db_default=ClockTimestamp())
    actor_id = models.BigIntegerField(_("gebruiker (id)"), null=True)
    actor_username = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    actor_name = models.CharField(_("naam"), max_length=300, blank=True)
    actor_role = models.CharField(_("rol"), max_length=64, blank=True)
    team_id = models.BigIntegerField(_("team (id)"), null=True)
    team_name = models.CharField(_("team"), max_length=100, blank=True)
    action = models.CharField(_("handeling"), max_length=64, choices=Action.choices)
    object_type = models.CharField(_("soort object"), max_length=64, blank=True)
    object_id = models.CharField(_("object (id)"), max_length=64, blank=True)
    client_ref = models.CharField(_("klantreferentie"), max_length=64, blank=True)
    result = models.CharField(_("resultaat"), max_length=16, choices=Result.choices)
    changes = models.JSONField(_("wijzigingen"), default=dict, blank=True)
    data = models.JSONField(_("gegevens"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP-adres"), null=True)
    user_agent = models.CharField(_("browser"), max_length=256, blank=True)
    request_id = models.CharField(_("verzoek (id)"), max_length=64, blank=True)
    origin = models.CharField(_("herkomst"), max_length=16, choices=Origin.choices)

    class Meta:
        managed = False
        db_table = "audit_auditevent"
        ordering = ("-occurred_at", "-id")
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        default_permissions = ("view",)
        permissions = (("view_all_auditevents", _("Kan de hele audittrail zien")),)

    def __str__(self) -> str:
        return _("gebeurtenis %(number)s: %(action)s") % {
            "number": self.id,
            "action": self.get_action_display(),
        }


class AuditLink(AppendOnlyModel):
    """An event's place in the hash chain, with the exact bytes that were hashed."""

    seq = models.BigIntegerField(primary_key=True)
    event_id = models.BigIntegerField(unique=True)
    event_occurred_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    canonical = models.BinaryField()
    sealed_at = models.DateTimeField(db_default=ClockTimestamp())

    class Meta:
        managed = False
        db_table = "audit_auditlink"
        default_permissions = ()
        verbose_name = _("schakel in de auditketen")
        verbose_name_plural = _("schakels in de auditketen")


class AuditPending(models.Model):
    """A committed event not chained yet: a trigger adds it, the sealer takes it."""

    keep_on_flush = True

    event_id = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "audit_auditpending"
        default_permissions = ()
        verbose_name = _("auditgebeurtenis die op de keten wacht")
        verbose_name_plural = _("auditgebeurtenissen die op de keten wachten")

    def __str__(self) -> str:
        return str(self.event_id)


class AuditAnchor(AppendOnlyModel):
    """A chain head copied out of the database, and where to: one per position."""

    seq = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    anchored_at = models.DateTimeField(db_default=ClockTimestamp())
    sink = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "audit_auditanchor"
        default_permissions = ()
        verbose_name = _("verankering van de auditketen")
        verbose_name_plural = _("verankeringen van de auditketen")


class AuditCheckpoint(AppendOnlyModel):
    """What is left of a month of the trail once it was retired past its period.

    Written by the retention function that drops the month (privacy migration
    0003), and copied to the anchor sink: the chain goes on from ``last_hash`` at
    ``last_seq + 1``. ``digest`` is the SHA-256 of the retired links' canonical
    bytes in order, each followed by a newline: it matches an export of the
    month kept elsewhere.
    """

    month = models.DateField(unique=True)
    partition = models.CharField(max_length=63)
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField(unique=True)
    events = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    made_at = models.DateTimeField(db_default=ClockTimestamp())

    class Meta:
        managed = False
        db_table = "audit_auditcheckpoint"
        default_permissions = ()
        ordering = ("last_seq",)
        verbose_name = _("controlepunt van de auditketen")
        verbose_name_plural = _("controlepunten van de auditketen")

    def __str__(self) -> str:
        return f"{self.partition}: {self.first_seq}-{self.last_seq}"


class ExportJob(models.Model):
    """A large export of the audit trail, made by a Celery task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gevraagd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filters = models.JSONField(_("filters"), default=dict)
    file_format = models.CharField(_("bestandsformaat"), max_length=8)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    rows_written = models.BigIntegerField(_("regels geschreven"), default=0)
    rows_expected = models.BigIntegerField(_("regels verwacht"), null=True)
    file_name = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    error = models.CharField(_("fout"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("gevraagd op"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True)

    class Meta:
        ordering = ("-created_at",)
        default_permissions = ()
        verbose_name = _("export van de audittrail")
        verbose_name_plural = _("exports van de audittrail")

    def __str__(self) -> str:
        return _("export %(number)s (%(status)s)") % {
            "number": self.pk,
            "status": self.get_status_display(),
        }


class VerificationJob(models.Model):
    """A check of the whole trail that an auditor asked for, run by a Celery task.

    The result itself is the ``audit.trail_verified`` event the check records; the
    job holds how far it got, for the page that follows it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gevraagd door"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    links_checked = models.BigIntegerField(_("schakels gecontroleerd"), default=0)
    links_expected = models.BigIntegerField(_("schakels te controleren"), null=True)
    intact = models.BooleanField(_("ongeschonden"), null=True)
    head_seq = models.BigIntegerField(_("tot en met gebeurtenis"), null=True)
    problem = models.CharField(_("gevonden probleem"), max_length=300, blank=True)
    error = models.CharField(_("foutmelding"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("gevraagd op"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True)

    class Meta:
        ordering = ("-created_at",)
        default_permissions = ()
        verbose_name = _("controle van de audittrail")
        verbose_name_plural = _("controles van de audittrail")

    def __str__(self) -> str:
        return _("controle %(number)s (%(status)s)") % {
            "number": self.pk,
            "status": self.get_status_display(),
        }
