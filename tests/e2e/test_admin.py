"""The admin site as the demo admin: Dutch, and no axe violation on any page type."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from conversations.demo import conversations_demo_load
from conversations.models import Decision
from tests.e2e.conftest import check_page
from tests.e2e.test_login import log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _changelists(page: Page) -> list[str]:
    """Return the address of each model's list, as the admin's index links them."""
    links = page.locator("#content-main tr[class^='model-'] th a")
    return list(links.evaluate_all("els => els.map(e => e.pathname)"))


def test_every_admin_page_type_passes_axe_in_dutch(page: Page, demo_users):
    conversations_demo_load()
    log_in(page, "beheerder")
    page.goto("/beheer/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Functioneel beheer")
    check_page(page, "admin-index")
    lists = _changelists(page)
    assert "/beheer/accounts/user/" in lists
    for path in lists:
        page.goto(path)
        expect(page.locator("#content h1")).to_be_visible()
        check_page(page, "admin-list-" + path.strip("/").replace("/", "-"))

    employee = User.objects.get(username="medewerker")
    page.goto(f"/beheer/accounts/user/{employee.pk}/change/")
    expect(page.get_by_text("medewerker", exact=True).first).to_be_visible()
    check_page(page, "admin-change-user", preload_css=False)

    page.goto("/beheer/accounts/user/add/")
    groups = page.locator("#id_groups_from, #id_groups")
    expect(groups.first).to_contain_text("teamleider")
    expect(page.locator("#content")).not_to_contain_text(
        re.compile(r"team_lead|Choose")
    )
    check_page(page, "admin-add-user", preload_css=False)

    page.goto("/beheer/auth/group/")
    expect(page.locator("#result_list")).to_contain_text("functioneel beheerder")
    page.get_by_role("link", name="functioneel beheerder").click()
    expect(page.locator("#content")).to_contain_text("gebruikers bekijken")
    expect(page.locator("#content")).not_to_contain_text(re.compile(r"Can (add|view)"))
    check_page(page, "admin-change-group", preload_css=False)

    decision = Decision.objects.filter(conditions__contains=["audio_only"]).first()
    assert decision is not None
    page.goto(f"/beheer/conversations/decision/{decision.pk}/change/")
    content = page.locator("#content")
    expect(content).to_contain_text("Alleen geluid, geen beeld.")
    expect(content).to_contain_text("Soort contact")
    expect(content).not_to_contain_text(re.compile(r"audio_only|Conversation|Uwv|\{"))
    check_page(page, "admin-change-decision", preload_css=False)

    page.goto("/beheer/rules/ruletext/add/")
    expect(page.get_by_label("Tekst")).to_be_visible()
    check_page(page, "admin-add-ruletext", preload_css=False)
