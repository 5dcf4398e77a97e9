from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role


@dataclass(frozen=True)
class Link:
    """A feature on the home page: where it is and what it is for."""

    url: str
    title: str | Promise
    description: str | Promise


def home_links_for(*, user: User) -> list[Link]:
    """Return the features this user's roles give access to, in menu order."""
    links = [
        Link(
            url=reverse("rules:handout"),
            title=_("Spelregels voor de klant"),
            description=_(
                "De spelregels voor een geluidsopname lezen, afdrukken of aan de "
                "telefoon voorlezen."
            ),
        )
    ]
    if user.team_id and (user.has_role(Role.EMPLOYEE) or user.has_role(Role.TEAM_LEAD)):
        links.insert(
            0,
            Link(
                url=reverse("conversations:list"),
                title=_("Gesprekken van vandaag"),
                description=_(
                    "De afspraken van vandaag en later, een telefoongesprek starten "
                    "en de checklist doen."
                ),
            ),
        )
    if user.has_role(Role.TEAM_LEAD) or user.has_role(Role.AUDITOR):
        links.append(
            Link(
                url=reverse("audit:trail"),
                title=_("Audittrail"),
                description=_(
                    "Nagaan wie wat deed en wanneer, en dat exporteren voor controle."
                ),
            )
        )
    if user.has_role(Role.TEAM_LEAD) or user.has_role(Role.AUDITOR):
        links.append(
            Link(
                url=reverse("violations:queue"),
                title=_("Overtredingen"),
                description=_(
                    "Meldingen van overtredingen beoordelen en gesignaleerde klanten "
                    "bekijken."
                ),
            )
        )
    if user.team_id:
        links.append(
            Link(
                url=reverse("violations:notifications"),
                title=_("Meldingen"),
                description=_("Berichten over meldingen van overtredingen."),
            )
        )
    if user.is_superuser or (user.is_staff and user.has_role(Role.ADMIN)):
        links.append(
            Link(
                url=reverse("admin:index"),
                title=_("Beheer"),
                description=_("Gebruikers en teams beheren."),
            )
        )
    return links
