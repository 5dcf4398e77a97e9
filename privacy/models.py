"""The retention periods the database enforces, and legal holds on clients."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.roles import Role
from conversations.models import Client

# The two roles of an erasure's four eyes: one asks, the other agrees.
ERASURE_ROLES = [(role.value, role.label) for role in (Role.TEAM_LEAD, Role.AUDITOR)]


class RetentionPeriod(models.Model):
    """How many days a kind of record is kept: the database's copy of the setting.

    Written as the owner after every ``migrate`` (``privacy.schedule``), read by
    the retention functions in the database; the app's role may only read it, so
    the web app cannot shorten a period to remove more.
    """

    keep_on_flush = True
    app_may_only_read = True

    kind = models.CharField(_("soort"), max_length=32, primary_key=True)
    days = models.PositiveIntegerField(_("dagen"))

    class Meta:
        default_permissions = ()
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(days__gt=0), name="privacy_period_positive"
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind}: {self.days}"


class LegalHold(models.Model):
    """A hold on everything about one client: nothing about them is removed.

    It stands until ``until`` (if set) or until it is lifted; lifting takes two
    auditors: one asks (``lift_requested_*``), another agrees (``lifted_*``).
    """

    client = models.ForeignKey(
        Client, verbose_name=_("klant"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reden"))
    case_reference = models.CharField(_("zaaknummer"), max_length=100)
    until = models.DateField(_("tot en met"), null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingesteld door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("ingesteld op"))
    lift_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opheffen gevraagd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lift_requested_at = models.DateTimeField(
        _("opheffen gevraagd op"), null=True, blank=True
    )
    lift_reason = models.TextField(_("reden van opheffen"), blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opgeheven door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("opgeheven op"), null=True, blank=True)

    class Meta:
        ordering = ("-placed_at", "-id")
        default_permissions = ()
        verbose_name = _("bewaarplicht")
        verbose_name_plural = _("bewaarplichten")
        indexes = (
            models.Index(
                fields=["client"],
                name="privacy_hold_standing",
                condition=models.Q(lifted_at__isnull=True),
            ),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(lifted_at__isnull=True)
                | models.Q(lift_requested_at__isnull=False),
                name="privacy_hold_lifted_after_request",
            ),
            models.CheckConstraint(
                condition=models.Q(lift_requested_at__isnull=True)
                | models.Q(lift_requested_by__isnull=False),
                name="privacy_hold_lift_requested_by_someone",
            ),
            # Four eyes, in the database too: who agrees is not who asked.
            models.CheckConstraint(
                condition=models.Q(lifted_at__isnull=True)
                | (
                    models.Q(lifted_by__isnull=False)
                    & ~models.Q(lifted_by=models.F("lift_requested_by"))
                ),
                name="privacy_hold_lifted_by_another",
            ),
        )

    def __str__(self) -> str:
        return _("bewaarplicht %(number)s (%(case)s)") % {
            "number": self.pk,
            "case": self.case_reference,
        }


class AccessExport(models.Model):
    """What UWV holds about one client, for their request of access (AVG art. 15).

    An auditor asks for it; a Celery task writes it as a PDF and as JSON, counting
    its steps as it goes. Only that auditor downloads it, until ``expires_at``
    (the export files' period after asking); then the retention run deletes the
    files and the row.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    client = models.ForeignKey(
        Client, verbose_name=_("klant"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gevraagd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    steps_done = models.PositiveIntegerField(_("stappen klaar"), default=0)
    steps_expected = models.PositiveIntegerField(_("stappen"), null=True)
    # The files' shared name, random: ``inzage-<id>-<token>.pdf`` and ``.json``.
    file_stem = models.CharField(_("bestandsnaam"), max_length=100, blank=True)
    error = models.CharField(_("fout"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("gevraagd op"))
    expires_at = models.DateTimeField(_("verloopt op"))
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        default_permissions = ()
        verbose_name = _("inzage-export")
        verbose_name_plural = _("inzage-exports")
        indexes = (models.Index(fields=["client"], name="privacy_access_client"),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="privacy_access_expires_after_asking",
            ),
        )

    def __str__(self) -> str:
        return _("inzage-export %(number)s (%(status)s)") % {
            "number": self.pk,
            "status": self.get_status_display(),
        }


class ErasureRequest(models.Model):
    """A client's request to be erased (AVG art. 17), and what became of it.

    A team lead or an auditor asks; someone in the other role agrees (four eyes:
    one team lead and one auditor) or declines with a reason. On agreement the
    database removes everything about the client (``privacy_erase``, privacy
    migration 0005) unless a standing legal hold or a confirmed violation that
    flags them applies: then it is refused, with ``refusal`` saying which. Only the
    pseudonym ``client_ref`` is kept once the client is gone, and per table how
    many rows went.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("wacht op akkoord")
        DECLINED = "declined", pgettext_lazy("erasure request", "afgewezen")
        REFUSED = "refused", _("niet gewist")
        DONE = "done", _("gewist")

    class Refusal(models.TextChoices):
        HOLD = "hold", _("er staat een bewaarplicht op de klant")
        FLAGGED = "flagged", _("de klant is gesignaleerd na een bevestigde overtreding")

    # The database's own foreign key sets it NULL when the client goes, by
    # retention or erasure (migration 0005: ON DELETE SET NULL, which Django 5.2
    # cannot declare).
    client = models.ForeignKey(
        Client,
        verbose_name=_("klant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # The pseudonym the audit trail knows the client by: no personal data.
    client_ref = models.CharField(_("klant (pseudoniem)"), max_length=64)
    reason = models.TextField(_("reden"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gevraagd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_role = models.CharField(
        _("gevraagd als"), max_length=16, choices=ERASURE_ROLES
    )
    requested_at = models.DateTimeField(_("gevraagd op"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akkoord gegeven door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("akkoord gegeven op"), null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("afgewezen door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    declined_at = models.DateTimeField(_("afgewezen op"), null=True, blank=True)
    declined_reason = models.TextField(_("reden van afwijzen"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    refusal = models.CharField(
        _("waarom niet gewist"), max_length=16, choices=Refusal.choices, blank=True
    )
    # The standing hold that stopped the erasure (a plain number: it may go later).
    refusal_hold_id = models.BigIntegerField(
        _("bewaarplicht die het wissen tegenhield"), null=True, blank=True
    )
    done_at = models.DateTimeField(_("gewist op"), null=True, blank=True)
    # Per table: [rows, first id, last id]; never content.
    removed = models.JSONField(_("verwijderd"), default=dict, blank=True)

    class Meta:
        ordering = ("-requested_at", "-id")
        default_permissions = ()
        verbose_name = _("verzoek om te wissen")
        verbose_name_plural = _("verzoeken om te wissen")
        constraints = (
            # One open request per client at a time.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status="requested"),
                name="privacy_erasure_one_open_per_client",
            ),
            models.CheckConstraint(
                condition=models.Q(requested_role__in=["team_lead", "auditor"]),
                name="privacy_erasure_requested_role",
            ),
            # Four eyes, in the database too: who agrees or declines is not who asked.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("requested_by")),
                name="privacy_erasure_approved_by_another",
            ),
            models.CheckConstraint(
                condition=models.Q(declined_by__isnull=True)
                | ~models.Q(declined_by=models.F("requested_by")),
                name="privacy_erasure_declined_by_another",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["done", "refused"])
                | models.Q(approved_by__isnull=False, approved_at__isnull=False),
                name="privacy_erasure_done_or_refused_after_approval",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined")
                | (
                    models.Q(
                        declined_by__isnull=False,
                        declined_at__isnull=False,
                        approved_at__isnull=True,
                    )
                    # Once the client is gone the reason goes with them.
                    & (~models.Q(declined_reason="") | models.Q(client__isnull=True))
                ),
                name="privacy_erasure_declined_with_reason",
            ),
            # Approved but still open only inside the transaction that erases.
            models.CheckConstraint(
                condition=~models.Q(status="requested")
                | models.Q(declined_at__isnull=True),
                name="privacy_erasure_requested_is_open",
            ),
            models.CheckConstraint(
                condition=models.Q(status="refused", refusal__in=["hold", "flagged"])
                | (~models.Q(status="refused") & models.Q(refusal="")),
                name="privacy_erasure_refused_says_why",
            ),
            models.CheckConstraint(
                condition=models.Q(status="done", done_at__isnull=False)
                | (~models.Q(status="done") & models.Q(done_at__isnull=True)),
                name="privacy_erasure_done_at",
            ),
        )

    def __str__(self) -> str:
        return _("verzoek om te wissen %(number)s (%(status)s)") % {
            "number": self.pk,
            "status": self.get_status_display(),
        }
