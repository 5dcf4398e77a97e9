"""Getting around in the browser: the menu per role, and the error pages."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in
from tests.e2e.test_refusals import in_english

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MENUS = {
    "medewerker": ["Gesprekken", "Spelregels", "Berichten"],
    "teamleider": [
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
    "beheerder": ["Spelregels", "Privacy", "Beheer", "Tweede factor"],
}


def main_menu(page: Page, name: str = "Hoofdmenu"):
    return page.get_by_role("navigation", name=name)


@pytest.mark.parametrize("username", list(MENUS))
def test_each_role_gets_its_menu_and_each_item_marks_its_page(
    page: Page, demo_users, username
):
    log_in(page, username)
    links = main_menu(page).get_by_role("link")
    expect(links).to_have_count(len(MENUS[username]))
    for index, label in enumerate(MENUS[username]):
        expect(links.nth(index)).to_have_text(label)
    expect(main_menu(page).locator("[aria-current=page]")).to_have_count(0)
    check_page(page, f"nav-{username}-home")
    for label in MENUS[username]:
        if label == "Beheer":
            continue  # the admin site has its own header, checked apart
        main_menu(page).get_by_role("link", name=label).click()
        current = main_menu(page).locator("[aria-current=page]")
        expect(current).to_have_count(1)
        expect(current).to_contain_text(label)
        check_page(page, f"nav-{username}-{label.lower().replace(' ', '-')}")


def test_the_menu_reads_in_english(page: Page, demo_users):
    log_in(page, "teamleider")
    in_english(page)
    menu = main_menu(page, "Main menu")
    expect(menu.get_by_role("link", name="Messages")).to_be_visible()
    expect(menu.get_by_role("link", name="Conversations")).to_be_visible()
    check_page(page, "nav-teamleider-home-en")


def test_403_and_404_are_app_pages_with_the_menu_and_a_way_back(page: Page, demo_users):
    log_in(page, "medewerker")
    response = page.goto("/audit/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    expect(main_menu(page).get_by_role("link", name="Gesprekken")).to_be_visible()
    expect(page.get_by_role("link", name="Naar de startpagina")).to_be_visible()
    check_page(page, "error-403-employee")

    response = page.goto("/gesprekken/999999999/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    current = main_menu(page).locator("[aria-current=page]")
    expect(current).to_have_text("Gesprekken")
    check_page(page, "error-404-employee")

    page.get_by_role("link", name="Naar de startpagina").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")

    in_english(page)
    page.goto("/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No access")
    check_page(page, "error-403-employee-en")


@pytest.mark.urls("tests.faults.error_urls")
def test_500_and_503_are_dutch_pages_without_a_service(page: Page, demo_users):
    log_in(page, "medewerker")
    response = page.goto("/stuk/fout/")
    assert response is not None
    assert response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Er ging iets mis")
    expect(page.get_by_role("link", name="Naar de startpagina")).to_be_visible()
    check_page(page, "error-500-employee")

    response = page.goto("/stuk/database/")
    assert response is not None
    assert response.status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "uwvrec is even niet beschikbaar"
    )
    check_page(page, "error-503-employee")
