"""Clients, their conversations with UWV, who takes part, and the decisions made."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from conversations.bsn import bsn_decrypt, bsn_masked, client_ref_from_hash
from rules.engine import Channel, Kind, Outcome, ParticipantRole, UwvRecording
from rules.models import RuleText
from uwvrec.db.models import AppendOnlyModel
from uwvrec.moments import moment_shown

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _choices(
    enum: type[StrEnum], labels: dict[str, StrOrPromise]
) -> list[tuple[str, StrOrPromise]]:
    return [(member.value, labels[member.value]) for member in enum]


CHANNELS = _choices(
    Channel, {"face_to_face": _("op kantoor"), "phone": _("telefonisch")}
)
KINDS = _choices(
    Kind,
    {
        "regular": _("gewoon gesprek"),
        "mediation": _("mediation"),
        "investigation_interview": _("verhoor door een opsporingsambtenaar"),
    },
)
ROLES = _choices(
    ParticipantRole,
    {
        "third_person": _("derde (partner, familie, vriend, werkgever)"),
        "representative": _("gemachtigde of advocaat"),
        "interpreter": _("tolk"),
        "mediator": _("mediator"),
        "other_party": _("wederpartij"),
        "uwv_colleague": _("collega van UWV"),
    },
)
# Beside a name, "Jan (derde (partner, ...))" would nest brackets: the short word.
ROLE_LABELS_SHORT = {ParticipantRole.THIRD_PERSON.value: _("derde")}
OUTCOMES = _choices(
    Outcome,
    {
        "not_requested": _("klant wil niet opnemen"),
        "not_allowed": _("opnemen mag niet"),
        "incomplete": _("nog te vragen"),
        "allowed": _("opnemen mag"),
    },
)
UWV_RECORDINGS = _choices(
    UwvRecording,
    {
        "none": _("UWV neemt niet op"),
        "planned": _("UWV neemt op"),
        "incomplete": _("nog te vragen"),
    },
)


# The database's last line under the services' range (``conversations.schedule``):
# wide enough for rows stored before dates were checked, narrow enough that
# every stored moment can be read back into Python in any time zone.
STORABLE_FROM = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
STORABLE_UNTIL = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class ClientFlag:
    """Why a client is flagged (R8): the violation that flags it, as stored."""

    report_id: int
    happened_on: datetime.date
    rule: str


class Client(models.Model):
    """A person UWV serves: a display name and an encrypted BSN, and its flag.

    The flag (``flag_report_id``, ``flagged_on``, ``flag_rule``) is the most
    recent confirmed, not withdrawn violation of the client; the violation
    services write it when they confirm or withdraw one, and nothing else does.
    """

    display_name = models.CharField(_("naam"), max_length=200)
    # Fernet token; see conversations.bsn. Never shown, logged or audited.
    bsn_encrypted = models.TextField(_("BSN (versleuteld)"), editable=False)
    bsn_hash = models.CharField(
        _("BSN-sleutelhash"), max_length=64, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("geregistreerd op"), db_default=Now())
    # A plain number, not a foreign key: the reports live in the violations app,
    # which builds on this one; this app knows nothing of it.
    flag_report_id = models.BigIntegerField(
        _("gesignaleerd door melding"), null=True, blank=True, editable=False
    )
    flagged_on = models.DateField(
        _("overtreding op"), null=True, blank=True, editable=False
    )
    flag_rule = models.CharField(
        _("overtreden regel"),
        max_length=32,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )

    class Meta:
        ordering = ("display_name", "id")
        verbose_name = _("klant")
        verbose_name_plural = _("klanten")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(
                    flag_report_id__isnull=True, flagged_on__isnull=True, flag_rule=""
                )
                | (
                    models.Q(flag_report_id__isnull=False, flagged_on__isnull=False)
                    & ~models.Q(flag_rule="")
                ),
                name="conversations_client_flag_whole_or_none",
            ),
        )

    def __str__(self) -> str:
        return f"{self.display_name} ({self.bsn_masked})"

    @cached_property
    def bsn(self) -> str:
        """Return the BSN, decrypted; only for the masked form and the owner."""
        return bsn_decrypt(self.bsn_encrypted)

    @property
    def bsn_masked(self) -> str:
        return bsn_masked(self.bsn)

    @property
    def client_ref(self) -> str:
        """Return the pseudonym the audit trail names this client by."""
        return client_ref_from_hash(self.bsn_hash)

    @property
    def flag(self) -> ClientFlag | None:
        """Return why the client is flagged (R8), or None: it is not."""
        if self.flag_report_id is None or self.flagged_on is None:
            return None
        return ClientFlag(self.flag_report_id, self.flagged_on, self.flag_rule)


class Conversation(models.Model):
    """An appointment or phone call, and the checklist answers given for it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("gepland")
        IN_CHECKLIST = "in_checklist", _("checklist bezig")
        DECIDED = "decided", _("besluit vastgelegd")
        HELD = "held", _("gehouden")
        CANCELLED = "cancelled", _("geannuleerd")

    class Wish(models.TextChoices):
        NO = "no", _("Nee, de klant wil niet opnemen")
        AUDIO = "audio", _("Ja, alleen geluid")
        VIDEO = "video", _("Ja, met beeld (video of foto's)")

    client = models.ForeignKey(
        Client,
        verbose_name=_("klant"),
        on_delete=models.PROTECT,
        related_name="conversations",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("medewerker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("soort contact"), max_length=16, choices=CHANNELS)
    kind = models.CharField(_("soort gesprek"), max_length=32, choices=KINDS)
    scheduled_at = models.DateTimeField(_("datum en tijd"))
    place = models.CharField(_("plaats"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    # The checklist's answers, each saved as it is given (None: not answered).
    kind_confirmed = models.BooleanField(_("soort gesprek bevestigd"), default=False)
    wish = models.CharField(
        _("wens van de klant"), max_length=8, choices=Wish.choices, blank=True
    )
    participants_confirmed = models.BooleanField(
        _("deelnemers bevestigd"), default=False
    )
    client_informed = models.BooleanField(_("spelregels verteld"), null=True)
    informed_text = models.ForeignKey(
        RuleText,
        verbose_name=_("verteld met spelregeltekst"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    client_accepts_rules = models.BooleanField(
        _("klant is het eens met de spelregels"), null=True
    )
    uwv_records = models.BooleanField(_("UWV neemt op"), null=True)
    uwv_reason = models.TextField(_("reden van de opname door UWV"), blank=True)
    participants_told_uwv_records = models.BooleanField(
        _("iedereen weet dat UWV opneemt"), null=True
    )
    # Bumped by every answer: a finalisation made on an older page is refused.
    answers_version = models.PositiveIntegerField(
        _("versie van de antwoorden"), default=0
    )
    # After the conversation: what happened.
    client_recorded = models.BooleanField(_("klant heeft opgenomen"), null=True)
    uwv_recorded = models.BooleanField(_("UWV heeft opgenomen"), null=True)
    created_at = models.DateTimeField(_("geregistreerd op"), db_default=Now())

    class Meta:
        ordering = ("scheduled_at", "id")
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        indexes = (
            models.Index(fields=["team", "scheduled_at"], name="conv_team_time_idx"),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(
                    scheduled_at__gte=STORABLE_FROM, scheduled_at__lt=STORABLE_UNTIL
                ),
                name="conversations_conversation_scheduled_in_range",
                violation_error_message=_(
                    "Deze datum kan niet: kies een datum tussen 2000 en 2100."
                ),
            ),
        )

    def __str__(self) -> str:
        return _("%(kind)s op %(when)s") % {
            "kind": self.get_kind_display(),
            "when": moment_shown(self.scheduled_at),
        }


class Participant(models.Model):
    """Someone taking part besides the client and the employee."""

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("gesprek"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    name = models.CharField(_("naam"), max_length=200)
    role = models.CharField(_("rol"), max_length=16, choices=ROLES)
    consents = models.BooleanField(_("toestemming"), null=True)
    asked_at = models.DateTimeField(_("gevraagd op"), null=True, blank=True)
    # Set for someone who joined after a decision was recorded.
    joined_at = models.DateTimeField(_("later aangesloten op"), null=True, blank=True)

    class Meta:
        ordering = ("id",)
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")

    def __str__(self) -> str:
        return f"{self.name} ({self.role_label})"

    @property
    def role_label(self) -> str:
        """Return the role as shown beside a name, in brackets: short, no examples."""
        return str(ROLE_LABELS_SHORT.get(self.role) or self.get_role_display())


class Decision(AppendOnlyModel):
    """A recorded decision: never changed; a later one supersedes it.

    ``facts`` is the exact engine input (the JSON contract of docs/policy.md), so
    ``replay_decisions`` can decide again under ``policy_version``.
    """

    # No database constraint: decisions are never truncated, conversations are
    # in the tests' flush (docs/adr/0001). PROTECT keeps the ORM from deleting.
    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("gesprek"),
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="decisions",
    )
    sequence = models.PositiveIntegerField(_("volgnummer"))
    facts = models.JSONField(_("feiten"))
    policy_version = models.CharField(_("beleidsversie"), max_length=16)
    outcome = models.CharField(_("uitkomst"), max_length=16, choices=OUTCOMES)
    reasons = models.JSONField(_("redenen"), default=list)
    missing = models.JSONField(_("ontbreekt"), default=list)
    conditions = models.JSONField(_("voorwaarden"), default=list)
    uwv_recording = models.CharField(
        _("opname door UWV"), max_length=16, choices=UWV_RECORDINGS
    )
    uwv_missing = models.JSONField(_("ontbreekt voor de opname door UWV"), default=list)
    rule_text = models.ForeignKey(
        RuleText,
        verbose_name=_("spelregeltekst"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    rule_text_language = models.CharField(
        _("taal spelregels"), max_length=2, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("vastgelegd op"), db_default=Now())
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("vervangt"),
        on_delete=models.PROTECT,
        db_constraint=False,
        null=True,
        related_name="superseded_by",
    )

    class Meta:
        ordering = ("conversation", "-sequence")
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        default_permissions = ("view",)
        constraints = (
            models.UniqueConstraint(
                fields=["conversation", "sequence"],
                name="conversations_decision_one_per_sequence",
            ),
        )

    def __str__(self) -> str:
        return _("besluit %(number)s: %(outcome)s") % {
            "number": self.sequence,
            "outcome": self.get_outcome_display(),
        }
