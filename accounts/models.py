from functools import cached_property

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser, Group
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from uwvrec.moments import moment_shown


class Team(models.Model):
    """A team of UWV employees in one division and office."""

    class Division(models.TextChoices):
        CLIENT_SERVICE = "klant_en_service", _("Klant & Service")
        SOCIAL_MEDICAL = "sociaal_medische_zaken", _("Sociaal Medische Zaken")
        WERKBEDRIJF = "werkbedrijf", _("WERKbedrijf")

    name = models.CharField(_("naam"), max_length=100, unique=True)
    division = models.CharField(_("divisie"), max_length=32, choices=Division.choices)
    office = models.CharField(_("vestiging"), max_length=100)
    idp_code = models.CharField(
        _("code bij de identiteitsprovider"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "De team- of afdelingscode die de identiteitsprovider meestuurt bij "
            "inloggen met een UWV-account: wie die code heeft, komt in dit team."
        ),
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A UWV staff member; the role comes from the user's group."""

    employee_number = models.CharField(
        _("personeelsnummer"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(
                r"^\d{6,12}$", _("Een personeelsnummer is 6 tot 12 cijfers.")
            )
        ],
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    # Who this person is at the identity provider, for OpenID Connect the one
    # stable key: a subject is unique at its issuer and never given to another.
    # Stored at the first SSO login; blank for an account that never had one.
    idp_issuer = models.CharField(
        _("identiteitsprovider"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_(
            "Het adres van de identiteitsprovider waarmee dit account voor het "
            "eerst inlogde met een UWV-account."
        ),
    )
    idp_subject = models.CharField(
        _("kenmerk bij de identiteitsprovider"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_(
            "Het vaste kenmerk van deze persoon bij die identiteitsprovider, "
            "vastgelegd bij de eerste inlog met een UWV-account. Elke volgende "
            "inlog met een UWV-account moet dit kenmerk hebben."
        ),
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        constraints = (
            models.UniqueConstraint(
                fields=("idp_issuer", "idp_subject"),
                condition=~models.Q(idp_subject=""),
                name="accounts_user_idp_identity_unique",
            ),
            # Both or neither: a subject means nothing without its issuer.
            models.CheckConstraint(
                condition=models.Q(idp_issuer="", idp_subject="")
                | (~models.Q(idp_issuer="") & ~models.Q(idp_subject="")),
                name="accounts_user_idp_identity_whole",
            ),
        )

    def __str__(self) -> str:
        """The name people know, with the login name that tells two apart."""
        name = self.get_full_name()
        return f"{name} ({self.username})" if name else self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        """Return the roles of this user, from the names of their groups.

        The user of a request comes with the names already (``StaffBackend``).
        """
        if "group_names" in self.__dict__:
            names = set(self.__dict__["group_names"] or ())
        else:
            names = {group.name for group in self.groups.all()}
        return frozenset(role for role in Role if role.value in names)

    @property
    def idp_bound(self) -> bool:
        """Return whether an SSO login bound this account to an IdP's subject."""
        return bool(self.idp_subject)

    def has_role(self, role: Role) -> bool:
        """Return whether this user holds ``role``."""
        return role in self.roles


class RoleGroup(Group):
    """A role's group as the admin names it: "teamleider", not "team_lead"."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")

    def __str__(self) -> str:
        if self.name in Role.values:
            return str(Role(self.name).label)
        return self.name


class FailedLogin(AccessAttempt):
    """A failed login as django-axes counts it, named in Dutch in the admin."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = _("mislukte inlogpoging")
        verbose_name_plural = _("mislukte inlogpogingen")

    def __str__(self) -> str:
        return _("mislukte inlogpoging op %(when)s") % {
            "when": moment_shown(self.attempt_time)
        }


class AuthenticatorApp(TOTPDevice):
    """A user's authenticator app (django-otp's TOTP device), named in Dutch.

    The admin site lists these (django-otp's own admin of the device has English
    names and is not audited); devices are made as ``TOTPDevice``, so the session
    django-otp verifies names that model.
    """

    class Meta:
        proxy = True
        default_permissions = ("view", "delete")
        verbose_name = _("authenticator-app")
        verbose_name_plural = _("authenticator-apps")

    def __str__(self) -> str:
        return _("authenticator-app van %(user)s") % {"user": self.user}


class RecoveryCodes(StaticDevice):
    """A user's single-use recovery codes (django-otp's static device), in Dutch."""

    class Meta:
        proxy = True
        default_permissions = ("view", "delete")
        verbose_name = _("herstelcodes")
        verbose_name_plural = _("herstelcodes")

    def __str__(self) -> str:
        return _("herstelcodes van %(user)s") % {"user": self.user}
