"""Violation reports, their append-only history, and the notification outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from conversations.models import Client, Conversation
from uwvrec.db.models import AppendOnlyModel
from uwvrec.moments import moment_shown


class BrokenRule(models.TextChoices):
    """Which recording rule the client broke (docs/policy.md)."""

    NOT_ALLOWED = "recorded_not_allowed", _("opgenomen terwijl dat niet mocht")
    SHARED = (
        "shared_outside_home",
        _("opname gedeeld of gepubliceerd buiten de huiselijke kring"),
    )
    VIDEO = "video_recorded", _("beeld opgenomen")
    SECRETLY = "recorded_secretly", _("heimelijk opgenomen")
    THIRD_PERSON_REFUSED = (
        "third_person_refused",
        _("opgenomen nadat een derde weigerde"),
    )


class ReportStatus(models.TextChoices):
    """Where a violation report stands (beside ``Conversation.Status``)."""

    REPORTED = "reported", _("gemeld")
    CONFIRMED = "confirmed", _("bevestigd")
    DISMISSED = "dismissed", _("afgewezen")


class ViolationReport(models.Model):
    """A reported violation and where it stands.

    The current state is kept here for the flag and the queue; every change is
    also an append-only ``ViolationEvent``, written by the same service in the
    same transaction. Nothing is ever deleted (PROTECT, no delete permission).
    """

    client = models.ForeignKey(
        Client, verbose_name=_("klant"), on_delete=models.PROTECT, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("gesprek"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(_("regel"), max_length=32, choices=BrokenRule)
    what_happened = models.TextField(_("wat er gebeurde"))
    happened_on = models.DateField(_("wanneer"))
    how_established = models.TextField(_("hoe het is vastgesteld"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gemeld door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("gemeld op"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReportStatus,
        default=ReportStatus.REPORTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besloten door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    decision_reason = models.TextField(_("reden van het besluit"), blank=True)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingetrokken door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reden van intrekking"), blank=True)

    class Meta:
        ordering = ("reported_at", "id")
        verbose_name = _("melding van een overtreding")
        verbose_name_plural = _("meldingen van overtredingen")
        default_permissions = ("view",)
        indexes = (
            models.Index(fields=["team", "status", "reported_at"], name="viol_queue"),
            models.Index(
                fields=["client", "decided_at"],
                name="viol_flag",
                condition=models.Q(status="confirmed", withdrawn_at__isnull=True),
            ),
        )
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(status="reported")
                | models.Q(decided_at__isnull=True, withdrawn_at__isnull=True),
                name="violations_open_report_is_undecided",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(status="confirmed"),
                name="violations_only_confirmed_is_withdrawn",
            ),
        )

    def __str__(self) -> str:
        return _("melding %(number)s: %(rule)s (%(status)s)") % {
            "number": self.pk,
            "rule": self.get_rule_display(),
            "status": self.get_status_display(),
        }

    @property
    def flags(self) -> bool:
        """Tell whether this report flags its client (confirmed, not withdrawn)."""
        return self.status == ReportStatus.CONFIRMED and self.withdrawn_at is None


class ViolationEvent(AppendOnlyModel):
    """One step in a report's history; the database refuses changes and deletes."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("gemeld")
        CONFIRMED = "confirmed", _("bevestigd")
        DISMISSED = "dismissed", _("afgewezen")
        WITHDRAWN = "withdrawn", _("ingetrokken")

    # No database constraints: this table survives the tests' flush, the others
    # do not (docs/adr/0001). PROTECT keeps the ORM from deleting.
    report = models.ForeignKey(
        ViolationReport,
        verbose_name=_("melding"),
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="events",
    )
    kind = models.CharField(_("wat"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
    )
    reason = models.TextField(_("reden"), blank=True)
    at = models.DateTimeField(_("op"))

    class Meta:
        ordering = ("report", "at", "id")
        verbose_name = _("gebeurtenis bij een melding")
        verbose_name_plural = _("gebeurtenissen bij meldingen")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return _("%(kind)s op %(when)s") % {
            "kind": self.get_kind_display(),
            "when": moment_shown(self.at),
        }


class Notification(models.Model):
    """The outbox: an intent to notify, stored with the change it is about.

    ``sent_at`` is set in the transaction that sends the e-mail; ``read_at`` when
    the recipient opened the notifications page. ``abandoned_at`` when sending
    failed ``NOTIFICATION_MAX_ATTEMPTS`` times: it is not tried again, and the
    admins see it as undeliverable.
    """

    class Kind(models.TextChoices):
        REPORTED = "reported", _("nieuwe melding van een overtreding")
        DECIDED = "decided", _("besluit over uw melding")
        WITHDRAWN = "withdrawn", _("bevestigde overtreding ingetrokken")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ontvanger"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices)
    report = models.ForeignKey(
        ViolationReport,
        verbose_name=_("melding"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("gemaakt op"), db_default=Now())
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    abandoned_at = models.DateTimeField(
        _("opgegeven op"),
        null=True,
        blank=True,
        help_text=_("Versturen mislukte te vaak: het bericht is onbestelbaar."),
    )
    retry_at = models.DateTimeField(
        _("volgende poging"),
        null=True,
        blank=True,
        help_text=_("Na een mislukte poging wordt het niet eerder opnieuw verstuurd."),
    )
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        default_permissions = ("view",)
        indexes = (
            models.Index(
                fields=["created_at"],
                name="viol_notif_unsent",
                condition=models.Q(sent_at__isnull=True, abandoned_at__isnull=True),
            ),
            models.Index(
                fields=["recipient"],
                name="viol_notif_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        )

    def __str__(self) -> str:
        return _("%(kind)s (melding %(number)s)") % {
            "kind": self.get_kind_display(),
            "number": self.report_id,
        }
