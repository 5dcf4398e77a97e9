"""The second factor in the browser: setting up an app, codes, refusals, throttling.

The codes are computed here from the secret the page shows (or the device's key),
as the person's authenticator app would compute them (``django_otp.oath``).
"""

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from audit.models import AuditEvent
from tests.e2e.conftest import check_page
from tests.e2e.test_login import enter_code, log_in
from tests.factories import UserFactory
from tests.second_factor import app_code

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"
CODE_ITEM = re.compile(r"^[a-z2-7]{4} [a-z2-7]{4}$")


def _password_login(page: Page, username: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen/"))


def _failures(user: User) -> list[tuple[str, dict]]:
    events = AuditEvent.objects.filter(
        action="auth.second_factor_failed", object_id=str(user.pk)
    ).order_by("id")
    return [(event.result, event.data) for event in events]


def test_a_new_team_lead_sets_up_an_app_and_logs_in_with_its_codes(page: Page):
    lead = UserFactory(team_lead=True, first_name="Nieuwe", last_name="Teamleider")
    _password_login(page, lead.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/tweede-factor/instellen/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Authenticator-app instellen"
    )
    qr = page.get_by_role("img", name="QR-code om met uw authenticator-app te scannen")
    expect(qr).to_be_visible()
    # The image is served by the app (its own URL, CSP img-src 'self') and loads.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=qr.element_handle()
    )
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_have_count(0)
    check_page(page, "second-factor-setup")

    secret = page.get_by_test_id("secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    key = base64.b32decode(secret.replace(" ", ""))
    page.get_by_label("Code uit de app").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="App bevestigen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery = [code.replace(" ", "") for code in codes.all_inner_texts()]
    assert all(CODE_ITEM.match(code) for code in codes.all_inner_texts())
    expect(page.get_by_text("U ziet deze codes maar één keer")).to_be_visible()
    check_page(page, "second-factor-recovery-codes")
    page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    _log_out(page)

    # The app's next code: the one just used counts once.
    _password_login(page, lead.username, PASSWORD)
    enter_code(page, app_code(TOTPDevice.objects.get(user=lead)))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    _log_out(page)

    _password_login(page, lead.username, PASSWORD)
    enter_code(page, recovery[0])
    expect(page.get_by_role("status").first).to_contain_text("U hebt er nog 9 over.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    _log_out(page)

    _password_login(page, lead.username, PASSWORD)
    enter_code(page, recovery[0])
    expect(page.get_by_role("alert")).to_contain_text(
        "Deze herstelcode klopt niet, of is al gebruikt."
    )
    check_page(page, "second-factor-recovery-code-used")
    assert _failures(lead) == [("failed", {"code": "wrong_code", "failures": 1})]
    passed = AuditEvent.objects.filter(
        action="auth.second_factor_passed", object_id=str(lead.pk)
    ).order_by("id")
    assert [event.data for event in passed] == [
        {"kind": "totp"},
        {"kind": "totp"},
        {"kind": "recovery_code", "remaining": 9},
    ]


def test_a_wrong_code_is_refused_and_many_are_throttled(page: Page, demo_users):
    lead = User.objects.get(username="teamleider")
    device = TOTPDevice.objects.get(user=lead)
    _password_login(page, "teamleider", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweede factor")
    check_page(page, "second-factor-verify")

    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"
    enter_code(page, wrong)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Deze code klopt niet.")
    check_page(page, "second-factor-wrong-code")

    # django-otp waits 1, 2, 4 ... seconds after each wrong code: typing on at
    # once meets a refusal that says how long to wait.
    for _ in range(6):
        enter_code(page, wrong)
        if "Wacht" in alert.inner_text():
            break
    expect(alert).to_contain_text(re.compile(r"Wacht \d+ seconden? en probeer het"))
    check_page(page, "second-factor-throttled")
    failures = _failures(lead)
    assert failures[0] == ("failed", {"code": "wrong_code", "failures": 1})
    assert failures[-1][0] == "denied"
    assert failures[-1][1]["code"] == "throttled"
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/tweede-factor/controleren/\?next=%2F$"))


def test_the_second_factor_page_manages_the_app(page: Page, demo_users):
    log_in(page, "auditor")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Tweede factor"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweede factor")
    expect(page.get_by_test_id("app")).to_contain_text(
        re.compile(r"\d{4}, \d{2}:\d{2}")
    )
    check_page(page, "second-factor-manage")

    page.get_by_role("button", name="Herstelcodes maken").click()
    expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(
        10
    )
    page.goto("/tweede-factor/")
    page.get_by_role("link", name="App verwijderen").click()
    check_page(page, "second-factor-remove")
    page.get_by_role("button", name="Ja, app verwijderen").click()
    expect(page).to_have_url(re.compile(r"/tweede-factor/instellen/"))
    expect(page.get_by_role("status").first).to_contain_text("zijn verwijderd")


def test_the_second_factor_speaks_english_too(page: Page, demo_users):
    _password_login(page, "beheerder", DEMO_PASSWORD)
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, "second-factor-verify-english")
