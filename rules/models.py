from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from rules.engine import POLICIES, Rule
from rules.markup import Block, parse_body


def validate_policy_version(value: str) -> None:
    """Refuse a policy version the engine does not know."""
    if value not in POLICIES:
        raise ValidationError(
            _("Beleidsversie %(version)s bestaat niet. Kies uit: %(known)s."),
            code="unknown_policy_version",
            params={"version": value, "known": ", ".join(POLICIES)},
        )


def validate_body(value: str) -> None:
    """Refuse a body whose markup cannot be read (see rules.markup)."""
    parse_body(value)


class RuleText(models.Model):
    """One published version of the rules as the client reads or hears them.

    Never changed once saved: a database trigger refuses UPDATE, DELETE and
    TRUNCATE (migration 0003). A change is the next ``text_version``.
    """

    class Language(models.TextChoices):
        DUTCH = "nl", _("Nederlands")
        ENGLISH = "en", _("Engels")

    class Audience(models.TextChoices):
        HANDOUT = "handout", _("folder voor de klant")
        PHONE_SCRIPT = "phone_script", _("telefoonscript")

    policy_version = models.CharField(
        _("beleidsversie"), max_length=16, validators=[validate_policy_version]
    )
    text_version = models.PositiveIntegerField(
        _("tekstversie"), validators=[MinValueValidator(1)]
    )
    language = models.CharField(_("taal"), max_length=2, choices=Language.choices)
    audience = models.CharField(_("soort"), max_length=16, choices=Audience.choices)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(
        _("tekst"),
        validators=[validate_body],
        help_text=_(
            'Gewone tekst, geen HTML. Een regel die begint met "## " is een kop, '
            'een regel die begint met "- " is een opsommingsteken, een lege regel '
            "begint een nieuwe alinea. Zet [R1] tot en met [R9] aan het eind van "
            "de alinea die die regel uitlegt."
        ),
    )
    # No database constraint: a guarded table must not pin accounts_user, whose
    # TRUNCATE (the test flush) PostgreSQL would refuse. PROTECT still stops the
    # ORM from deleting a publisher; users are deactivated, never deleted.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gepubliceerd door"),
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(
        _("gepubliceerd op"), db_default=Now(), editable=False
    )

    class Meta:
        ordering = ("policy_version", "language", "audience", "-text_version")
        verbose_name = _("spelregeltekst")
        verbose_name_plural = _("spelregelteksten")
        constraints = (
            models.UniqueConstraint(
                fields=["policy_version", "language", "audience", "text_version"],
                name="rules_ruletext_one_text_per_version",
            ),
            models.CheckConstraint(
                condition=models.Q(text_version__gte=1),
                name="rules_ruletext_text_version_from_1",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["nl", "en"]),
                name="rules_ruletext_language_known",
            ),
            models.CheckConstraint(
                condition=models.Q(audience__in=["handout", "phone_script"]),
                name="rules_ruletext_audience_known",
            ),
        )

    def __str__(self) -> str:
        return _("%(title)s (beleid %(policy)s, %(language)s, versie %(version)s)") % {
            "title": self.title,
            "policy": self.policy_version,
            "language": self.get_language_display(),
            "version": self.text_version,
        }

    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        """Return the body as headings, paragraphs and lists, for the templates."""
        return parse_body(self.body)

    def passage(self, rule: Rule) -> str | None:
        """Return the passage of this text that explains ``rule``, if it names it."""
        for block in self.blocks:
            for passage in block.passages:
                if passage.rule == rule:
                    return passage.text
        return None
