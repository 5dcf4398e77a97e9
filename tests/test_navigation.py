"""The header's menu: each persona sees the sections its pages let it into.

The menu and the pages ask the same predicates (``uwvrec/navigation.py``); these
tests hold them together from the outside: every link shown opens, and a
section left out is one whose page refuses.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.personas import PERSONAS
from tests.second_factor import StaffClient
from tests.world import World, rolled_back
from uwvrec.navigation import SECTIONS

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
NAV = re.compile(r'<nav aria-label="Hoofdmenu" class="main-nav">(.*?)</nav>', re.S)
LINK = re.compile(r'<a class="nav-link[^"]*" href="([^"]+)"([^>]*)>([^<]+)')

MENUS = {
    "employee": ["Gesprekken", "Spelregels", "Berichten"],
    "employee_other_team": ["Gesprekken", "Spelregels", "Berichten"],
    "team_lead": [
        "Gesprekken",
        "Spelregels",
        "Overtredingen",
        "Audittrail",
        "Privacy",
        "Berichten",
        "Tweede factor",
    ],
    "team_lead_other_team": [
        "Gesprekken",
        "Spelregels",
        "Overtredingen",
        "Audittrail",
        "Privacy",
        "Berichten",
        "Tweede factor",
    ],
    "auditor": [
        "Spelregels",
        "Overtredingen",
        "Audittrail",
        "Privacy",
        "Tweede factor",
    ],
    "admin": ["Spelregels", "Privacy", "Beheer", "Tweede factor"],
}
SECTION_URLS = {
    "Gesprekken": reverse("conversations:list"),
    "Spelregels": reverse("rules:handout"),
    "Overtredingen": reverse("violations:queue"),
    "Audittrail": reverse("audit:trail"),
    "Privacy": reverse("privacy:schedule"),
    "Berichten": reverse("violations:notifications"),
    "Beheer": reverse("admin:index"),
    "Tweede factor": reverse("accounts:second_factor"),
}
# Team leads' Privacy is the erasure requests: they do not read the schedule.
LEADS_PRIVACY = reverse("privacy:erasures")


def section_url(persona: str, label: str) -> str:
    if label == "Privacy" and persona.startswith("team_lead"):
        return LEADS_PRIVACY
    return SECTION_URLS[label]


def menu(page: str) -> list[tuple[str, str, bool]]:
    """Return the menu's links: (label, href, marked as the current page)."""
    found = NAV.search(page)
    if found is None:
        return []
    return [
        (label.strip(), href, 'aria-current="page"' in attrs)
        for href, attrs, label in LINK.findall(found.group(1))
    ]


def labels(page: str) -> list[str]:
    return [label for label, _href, _current in menu(page)]


@pytest.mark.parametrize("persona", list(MENUS))
def test_each_persona_sees_its_sections_and_each_opens(world: World, persona):
    client = world.client(persona)
    links = menu(client.get(HOME).content.decode())
    assert [label for label, _href, _current in links] == MENUS[persona]
    for label, href, _current in links:
        assert href == section_url(persona, label)
        with rolled_back():
            assert client.get(href).status_code == 200, label


@pytest.mark.parametrize("persona", list(MENUS))
def test_a_section_left_out_of_the_menu_is_refused_by_its_page(world: World, persona):
    client = world.client(persona)
    for label, url in SECTION_URLS.items():
        if label in MENUS[persona]:
            continue
        with rolled_back():
            response = client.get(url)
        # Refused: 403 or 404 on the app's pages, the admin's own login page.
        assert response.status_code in (302, 403, 404), label
        if response.status_code == 302:
            assert response["Location"].startswith("/beheer/login/"), label


def test_anonymous_users_get_no_menu(client):
    assert menu(client.get(reverse("accounts:login")).content.decode()) == []


def test_a_superuser_without_staff_status_is_not_offered_the_admin(client):
    superuser = UserFactory(is_superuser=True, is_staff=False)
    client.force_login(superuser)
    assert "Beheer" not in labels(client.get(HOME).content.decode())
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_superuser_with_staff_status_is_offered_the_admin(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert "Beheer" in labels(client.get(HOME).content.decode())
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_permission_to_read_the_whole_trail_shows_the_audittrail(client):
    from django.contrib.auth.models import Permission

    employee = UserFactory()
    employee.user_permissions.add(
        Permission.objects.get(codename="view_all_auditevents")
    )
    client.force_login(employee)
    assert "Audittrail" in labels(client.get(HOME).content.decode())
    assert client.get(reverse("audit:trail")).status_code == 200


def current(page: str) -> list[str]:
    return [label for label, _href, is_current in menu(page) if is_current]


@pytest.mark.parametrize(
    ("persona", "url_of", "section"),
    [
        ("team_lead", lambda w: reverse("conversations:list"), "Gesprekken"),
        (
            "team_lead",
            lambda w: reverse("conversations:detail", args=[w.a.decided.pk]),
            "Gesprekken",
        ),
        (
            "employee",
            lambda w: reverse("conversations:step", args=[w.a.open.pk, "soort"]),
            "Gesprekken",
        ),
        (
            "employee",
            lambda w: reverse("violations:report", args=[w.a.decided.pk]),
            "Gesprekken",
        ),
        ("auditor", lambda w: reverse("rules:phone_script", args=["nl"]), "Spelregels"),
        (
            "team_lead",
            lambda w: reverse("violations:detail", args=[w.a.reported.pk]),
            "Overtredingen",
        ),
        ("auditor", lambda w: reverse("violations:flagged"), "Overtredingen"),
        (
            "auditor",
            lambda w: reverse("audit:event", args=[w.a.event.pk]),
            "Audittrail",
        ),
        ("team_lead", lambda w: reverse("violations:notifications"), "Berichten"),
        ("admin", lambda w: reverse("privacy:schedule"), "Privacy"),
        (
            "auditor",
            lambda w: reverse("privacy:hold_detail", args=[w.hold.pk]),
            "Privacy",
        ),
        (
            "team_lead",
            lambda w: reverse("privacy:erasure_detail", args=[w.erasure.pk]),
            "Privacy",
        ),
    ],
)
def test_the_current_section_is_marked_on_its_pages(world, persona, url_of, section):
    client = world.client(persona)
    with rolled_back():
        response = client.get(url_of(world))
    assert response.status_code == 200
    assert current(response.content.decode()) == [section]


def test_the_home_page_marks_no_section(world):
    assert current(world.client("team_lead").get(HOME).content.decode()) == []


def test_the_messages_count_says_how_many_are_new(world):
    client: Client = world.client("team_lead")
    with rolled_back():
        count = client.get(reverse("violations:notification_count")).content.decode()
        assert "nieuw)" in count
        client.get(reverse("violations:notifications"))
        after = client.get(reverse("violations:notification_count")).content.decode()
    assert "nieuw" not in after


def test_the_auditors_home_page_promises_reading_not_deciding(world):
    page = world.client("auditor").get(HOME).content.decode()
    assert "Meldingen van overtredingen en gesignaleerde klanten lezen." in page
    assert "beoordelen" not in page


def test_the_team_leads_home_page_offers_deciding_and_names_messages(world):
    page = world.client("team_lead").get(HOME).content.decode()
    assert "Meldingen van overtredingen beoordelen" in page
    assert "De gesprekken en besluiten van uw team bekijken." in page
    assert ">Berichten</a>" in page
    assert ">Meldingen<" not in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_section_shows_exactly_when_its_landing_page_opens(people, persona):
    """Walk ``SECTIONS``: its ``allowed`` is what its landing page asks."""
    user = people[persona]
    client = StaffClient()
    if persona != "anonymous":
        client.force_login(user)
    with rolled_back():
        shown = labels(client.get(HOME).content.decode())
    for section in SECTIONS:
        with rolled_back():
            status = client.get(section.url_for(user)).status_code
        allowed = section.allowed(user)
        assert allowed is (status == 200), (section.key, status)
        assert (str(section.label) in shown) is allowed, section.key


def test_the_team_leads_privacy_is_erasure_with_an_auditor(world):
    page = world.client("team_lead").get(HOME).content.decode()
    assert "Klanten wissen op hun verzoek, samen met een auditor." in page
    assert f'href="{LEADS_PRIVACY}"' in page
