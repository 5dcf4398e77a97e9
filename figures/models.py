"""The rollup the figures are read from, kept exact by the database itself.

Every change to a conversation or its decisions queues a deferred trigger; at the
commit of the change's own transaction ``figures_sync(conversation)`` works out the
conversation's contribution again from the raw tables, compares it with the one
counted (``ConversationFact``) and moves the counts of ``DayFigures`` and
``ReasonDay`` accordingly (figures migration 0001, docs/adr/0010-figures-rollup.md).
The app's role may only read these tables: nothing but the triggers writes them.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConversationFact(models.Model):
    """What one conversation counts for now, as the rollup holds it."""

    keep_on_flush = True  # the TRUNCATE of the conversations empties it
    app_may_only_read = True

    conversation_id = models.BigIntegerField(primary_key=True)
    day = models.DateField(_("dag"))  # in Europe/Amsterdam
    team_id = models.BigIntegerField(_("team (id)"))
    channel = models.CharField(_("soort contact"), max_length=16)
    kind = models.CharField(_("soort gesprek"), max_length=32)
    status = models.CharField(_("status"), max_length=16)
    wish = models.CharField(_("wens van de klant"), max_length=8)
    outcome = models.CharField(_("uitkomst"), max_length=16)  # '': no decision
    reasons = ArrayField(models.CharField(max_length=32), verbose_name=_("redenen"))
    uwv_records = models.BooleanField(_("UWV neemt op"))
    uwv_reason_given = models.BooleanField(_("reden van UWV vastgelegd"))
    superseded = models.PositiveIntegerField(_("vervangen besluiten"))

    class Meta:
        default_permissions = ()
        verbose_name = _("telling van een gesprek")
        verbose_name_plural = _("tellingen van gesprekken")

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.day}"


class DayCell(models.Model):
    """A cell of the rollup: one day (in Europe/Amsterdam) of one team, by channel
    and kind; only the database's triggers write it."""

    keep_on_flush = True  # the TRUNCATE of the conversations empties it
    app_may_only_read = True

    day = models.DateField(_("dag"))
    team_id = models.BigIntegerField(_("team (id)"))
    channel = models.CharField(_("soort contact"), max_length=16)
    kind = models.CharField(_("soort gesprek"), max_length=32)
    conversations = models.BigIntegerField(_("gesprekken"))

    class Meta:
        abstract = True
        default_permissions = ()


class DayFigures(DayCell):
    """How many conversations of one day and team have these facts."""

    status = models.CharField(_("status"), max_length=16)
    wish = models.CharField(_("wens van de klant"), max_length=8)
    outcome = models.CharField(_("uitkomst"), max_length=16)
    uwv_records = models.BooleanField(_("UWV neemt op"))
    uwv_reason_given = models.BooleanField(_("reden van UWV vastgelegd"))
    superseded = models.BigIntegerField(_("vervangen besluiten"))

    class Meta(DayCell.Meta):
        verbose_name = _("cijfers van een dag")
        verbose_name_plural = _("cijfers per dag")
        constraints = (
            models.UniqueConstraint(
                fields=[
                    "day",
                    "team_id",
                    "channel",
                    "kind",
                    "status",
                    "wish",
                    "outcome",
                    "uwv_records",
                    "uwv_reason_given",
                ],
                name="figures_day_one_row_per_facts",
            ),
        )

    def __str__(self) -> str:
        return f"{self.day} {self.team_id}: {self.conversations}"


class ReasonDay(DayCell):
    """How many conversations of one day and team were refused for a reason."""

    reason = models.CharField(_("reden"), max_length=32)

    class Meta(DayCell.Meta):
        verbose_name = _("reden van een dag")
        verbose_name_plural = _("redenen per dag")
        constraints = (
            models.UniqueConstraint(
                fields=["day", "team_id", "channel", "kind", "reason"],
                name="figures_reason_one_row_per_facts",
            ),
        )

    def __str__(self) -> str:
        return f"{self.day} {self.team_id} {self.reason}: {self.conversations}"
