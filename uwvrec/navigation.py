"""The app's sections, and who sees which: the header's menu and the home page.

Each section asks the access predicate its landing page asks (each app's
``access.py``), and its description asks a predicate too, so the menu and the home
page show a section exactly when its pages let the user in, in words that fit
what the user may do there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import ResolverMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.access import may_enter_admin, needs_second_factor
from accounts.models import User
from audit.access import may_review_trail
from conversations.access import may_run_checklist, may_view_conversations
from privacy.access import may_handle_erasures, may_manage_holds, may_view_schedule
from rules.access import may_read_rules
from violations.access import (
    may_decide_reports,
    may_read_reports,
    may_receive_notifications,
)


def _conversations(user: User) -> Promise:
    if may_run_checklist(user):
        return _(
            "De afspraken van vandaag en later, een telefoongesprek starten en de "
            "checklist doen."
        )
    return _("De gesprekken en besluiten van uw team bekijken.")


def _rules(user: User) -> Promise:
    return _(
        "De spelregels voor een geluidsopname lezen, afdrukken of aan de "
        "telefoon voorlezen."
    )


def _violations(user: User) -> Promise:
    if may_decide_reports(user):
        return _(
            "Meldingen van overtredingen beoordelen en gesignaleerde klanten bekijken."
        )
    return _("Meldingen van overtredingen en gesignaleerde klanten lezen.")


def _audit(user: User) -> Promise:
    return _("Nagaan wie wat deed en wanneer, en dat exporteren voor controle.")


def _privacy(user: User) -> Promise:
    if may_manage_holds(user):
        return _(
            "De bewaartermijnen bekijken, bewaarplichten instellen en opheffen, en "
            "klanten wissen op hun verzoek."
        )
    if not may_view_schedule(user):
        return _("Klanten wissen op hun verzoek, samen met een auditor.")
    return _("De bewaartermijnen bekijken en wat de volgende run verwijdert.")


def _may_open_privacy(user: User) -> bool:
    return may_view_schedule(user) or may_handle_erasures(user)


def _privacy_landing(user: User) -> str:
    """The schedule for who may read it; the erasure requests for team leads."""
    return "privacy:schedule" if may_view_schedule(user) else "privacy:erasures"


def _messages(user: User) -> Promise:
    return _("Berichten over meldingen van overtredingen.")


def _admin(user: User) -> Promise:
    return _("Gebruikers en teams beheren.")


def _second_factor(user: User) -> Promise:
    return _("Uw authenticator-app en herstelcodes beheren.")


@dataclass(frozen=True)
class Section:
    """A part of the app: its menu word, its home-page link, and who may open it."""

    key: str
    url_name: str
    label: Promise  # the word in the menu
    title: Promise  # the link on the home page
    allowed: Callable[[User], bool]
    describe: Callable[[User], Promise]
    # The URL namespaces whose pages belong to the section, and single views.
    namespaces: tuple[str, ...] = ()
    views: tuple[str, ...] = ()
    not_views: tuple[str, ...] = ()
    # The landing page's URL name where it depends on the user (else ``url_name``).
    landing: Callable[[User], str] | None = None

    def url_for(self, user: User) -> str:
        """Return the URL of the section's landing page for ``user``."""
        return reverse(self.landing(user) if self.landing else self.url_name)

    def contains(self, match: ResolverMatch | None) -> bool:
        """Tell whether the page ``match`` resolved to is part of this section."""
        if match is None or match.view_name in self.not_views:
            return False
        return match.view_name in self.views or match.namespace in self.namespaces


SECTIONS = (
    Section(
        key="conversations",
        url_name="conversations:list",
        label=_("Gesprekken"),
        title=_("Gesprekken van vandaag"),
        allowed=may_view_conversations,
        describe=_conversations,
        namespaces=("conversations",),
        views=("violations:report",),
    ),
    Section(
        key="rules",
        url_name="rules:handout",
        label=_("Spelregels"),
        title=_("Spelregels voor de klant"),
        allowed=may_read_rules,
        describe=_rules,
        namespaces=("rules",),
    ),
    Section(
        key="violations",
        url_name="violations:queue",
        label=_("Overtredingen"),
        title=_("Overtredingen"),
        allowed=may_read_reports,
        describe=_violations,
        namespaces=("violations",),
        not_views=(
            "violations:report",
            "violations:notifications",
            "violations:notification_count",
        ),
    ),
    Section(
        key="audit",
        url_name="audit:trail",
        label=_("Audittrail"),
        title=_("Audittrail"),
        allowed=may_review_trail,
        describe=_audit,
        namespaces=("audit",),
    ),
    Section(
        key="privacy",
        url_name="privacy:schedule",
        label=_("Privacy"),
        title=_("Privacy"),
        allowed=_may_open_privacy,
        describe=_privacy,
        namespaces=("privacy",),
        landing=_privacy_landing,
    ),
    Section(
        key="messages",
        url_name="violations:notifications",
        label=_("Berichten"),
        title=_("Berichten"),
        allowed=may_receive_notifications,
        describe=_messages,
        views=("violations:notifications",),
    ),
    Section(
        key="admin",
        url_name="admin:index",
        label=_("Beheer"),
        title=_("Beheer"),
        allowed=may_enter_admin,
        describe=_admin,
        namespaces=("admin",),
    ),
    Section(
        key="second_factor",
        url_name="accounts:second_factor",
        label=_("Tweede factor"),
        title=_("Tweede factor"),
        allowed=needs_second_factor,
        describe=_second_factor,
        views=(
            "accounts:second_factor",
            "accounts:second_factor_setup",
            "accounts:recovery_codes",
            "accounts:authenticator_remove",
        ),
    ),
)


@dataclass(frozen=True)
class Link:
    """One section as this user sees it."""

    key: str
    url: str
    label: Promise
    title: Promise
    description: Promise
    current: bool


def sections_for(*, user: User, match: ResolverMatch | None = None) -> list[Link]:
    """Return the sections ``user`` may open, in menu order; ``match`` is marked."""
    return [
        Link(
            key=section.key,
            url=section.url_for(user),
            label=section.label,
            title=section.title,
            description=section.describe(user),
            current=section.contains(match),
        )
        for section in SECTIONS
        if section.allowed(user)
    ]
