"""The simulated staff: employees running checklists, team leads, an auditor.

Each person is a thread with one ``Browser``. They do what a person would: log
in, work through pages by the links and redirects the app gives, and when a page
fails they wait a moment and carry on from where the app says they are. What a
person saw confirmed (a decision recorded, a report saved, a report decided) is
remembered, so that the checks can look for it in the database afterwards.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django_otp.oath import TOTP
from stdnum.nl import bsn as stdnum_bsn

from tests.faults.browser import Browser, Hiccup, Page, RequestLog, hidden_value

PASSWORD = "faults-load-password-2026"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RETRY_PAUSE = 0.5
MAX_STEPS = 200  # a bound on one checklist's requests, however often they fail
# The answers of an allowed audio recording, by the slug of the step's page.
ANSWERS: dict[str, dict[str, str]] = {
    "soort": {"kind": "regular"},
    "opnemen": {"wish": "audio"},
    "deelnemers": {},
    "spelregels": {"told": "on"},
    "instemmen": {"accepts": "yes"},
    "uwv": {"uwv_records": "no"},
}
STEP = re.compile(r"^/gesprekken/(\d+)/checklist/([a-z-]+)/$")
RECORDED = re.compile(r"Besluit (\d+) is vastgelegd")
REPORT_LINK = re.compile(r'href="/overtredingen/(\d+)/"')


@dataclass
class Seen:
    """What the people saw confirmed on a page, thread-safe."""

    decisions: set[tuple[int, int]] = field(default_factory=set)  # (conversation, n)
    reports: set[int] = field(default_factory=set)  # conversations reported
    report_decisions: dict[int, str] = field(default_factory=dict)  # report: status
    exports: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, value: object) -> None:
        with self._lock:
            if kind == "decision":
                self.decisions.add(value)  # type: ignore[arg-type]
            elif kind == "report":
                self.reports.add(value)  # type: ignore[arg-type]
            elif kind == "export":
                self.exports += 1
            else:
                report, status = value  # type: ignore[misc]
                self.report_decisions[report] = status


def app_key(username: str) -> str:
    """Return the secret (hex) of the authenticator app of ``username`` here."""
    return hashlib.sha256(f"faults-{username}".encode()).hexdigest()[:40]


class Person(threading.Thread):
    """One member of staff working until ``stop`` is set."""

    # Team leads and auditors pass a second factor after their password.
    second_factor = False

    def __init__(
        self,
        username: str,
        port: int,
        log: RequestLog,
        seen: Seen,
        stop: threading.Event,
        pause: float = 0.05,
    ) -> None:
        super().__init__(name=username, daemon=True)
        self.username = username
        self.browser = Browser(port, username, log)
        self.seen = seen
        self.stop_event = stop
        self.pause = pause
        self.failure: BaseException | None = None
        self.last_step = -1  # the app's time step whose code was used last

    def run(self) -> None:
        try:
            self.until_logged_in()
            while not self.stop_event.is_set():
                try:
                    self.work()
                except Hiccup:
                    self.wait(RETRY_PAUSE)
        except BaseException as error:  # a defect of the harness: report it
            self.failure = error

    def work(self) -> None:
        raise NotImplementedError

    def wait(self, seconds: float) -> None:
        self.stop_event.wait(seconds)

    def until_logged_in(self) -> None:
        while not self.stop_event.is_set():
            try:
                self.log_in()
                return
            except Hiccup:
                self.wait(RETRY_PAUSE)

    def log_in(self) -> None:
        self.browser.cookies.clear()
        self.browser.get("/inloggen/", "login page")
        page = self.browser.post(
            "/inloggen/",
            "log in",
            {"username": self.username, "password": PASSWORD},
        )
        if page.goes_to != "/":
            raise Hiccup(f"login went to {page.location}")
        if self.second_factor:
            self.pass_second_factor()

    def pass_second_factor(self) -> None:
        """Type the code the app shows, as the person reads it from their phone."""
        path = "/tweede-factor/controleren/"
        self.browser.get(path, "second factor page")
        page = self.browser.post(path, "second factor", {"code": self.app_code()})
        if page.goes_to != "/":
            raise Hiccup(f"the second factor went to {page.location}")

    def app_code(self) -> str:
        """Return the app's code now; the next step's when this one was used."""
        totp = TOTP(bytes.fromhex(app_key(self.username)))
        totp.time = time.time()
        if totp.t() <= self.last_step:
            totp.time += totp.step  # django-otp accepts one step ahead
        self.last_step = totp.t()
        return f"{totp.token():06d}"


class Employee(Person):
    """Starts phone calls and runs each checklist to a recorded decision."""

    def __init__(
        self, *args: object, number: int, report_every: int = 2, **kw: object
    ) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.numbers = (f"3{number:02d}{n:06d}" for n in itertools.count())
        self.report_every = report_every
        self.decided = 0

    def work(self) -> None:
        conversation = self.start_call()
        self.run_checklist(conversation)
        self.decided += 1
        if self.report_every and self.decided % self.report_every == 0:
            self.report(conversation)

    def start_call(self) -> int:
        bsn = next(n for n in self.numbers if stdnum_bsn.is_valid(n))
        page = self.browser.post(
            "/gesprekken/telefoon/",
            "start phone call",
            {"bsn": bsn, "display_name": f"Klant {bsn[-4:]}", "kind": "regular"},
        )
        match = re.match(r"^/gesprekken/(\d+)/checklist/$", page.goes_to)
        if match is None:
            raise Hiccup(f"phone call went to {page.location}")
        return int(match[1])

    def run_checklist(self, conversation: int) -> None:
        """Answer each step the app asks for until the decision shows as recorded."""
        path = f"/gesprekken/{conversation}/checklist/"
        for _ in range(MAX_STEPS):
            if self.stop_event.is_set():
                return
            try:
                page = self.browser.follow(
                    self.browser.get(path, "checklist", expect=(200, 302)),
                    "checklist step",
                )
                path = self.answer(conversation, page)
                if path == "":
                    return
            except Hiccup:
                self.wait(RETRY_PAUSE)
                path = f"/gesprekken/{conversation}/checklist/"  # resume
            self.wait(self.pause)

    def answer(self, conversation: int, page: Page) -> str:
        """Answer the step on ``page``; return the next page, or "" when decided."""
        match = STEP.match(page.path)
        if match is None:
            raise Hiccup(f"not a checklist step: {page.path}")
        slug = match[2]
        if slug == "uitkomst":
            return "" if self._decided(conversation, page) else self.finalise(page)
        data = dict(ANSWERS[slug])
        if slug == "spelregels":
            data["rule_text"] = hidden_value(page, "rule_text")
        return self.browser.post(page.path, f"answer {slug}", data).goes_to

    def finalise(self, page: Page) -> str:
        version = hidden_value(page, "answers_version")
        done = self.browser.post(
            page.path, "record decision", {"answers_version": version}
        )
        return done.goes_to

    def _decided(self, conversation: int, page: Page) -> bool:
        recorded = RECORDED.search(page.body)
        if recorded:
            self.seen.add("decision", (conversation, int(recorded[1])))
        return recorded is not None

    def report(self, conversation: int) -> None:
        """Report a violation by the client of ``conversation``; retry until saved."""
        path = f"/overtredingen/melden/{conversation}/"
        while not self.stop_event.is_set():
            try:
                self.browser.get(path, "report form")
                page = self.browser.follow(
                    self.browser.post(path, "report", report_form()), "after report"
                )
                if "Uw melding is opgeslagen" in page.body:
                    self.seen.add("report", conversation)
                return
            except Hiccup:
                self.wait(RETRY_PAUSE)


def report_form() -> dict[str, str]:
    return {
        "rule": "recorded_secretly",
        "what_happened": "De klant nam het gesprek op zonder het te zeggen.",
        "happened_on": datetime.datetime.now(AMSTERDAM).date().isoformat(),
        "how_established": "Zelf gehoord.",
    }


class TeamLead(Person):
    """Decides the reports in the queue: confirms most, dismisses some."""

    second_factor = True

    def work(self) -> None:
        queue = self.browser.get("/overtredingen/", "report queue")
        for number, report in enumerate(REPORT_LINK.findall(queue.body)[:3]):
            self.decide(int(report), "confirm" if number % 3 else "dismiss")
        self.wait(1.0)

    def decide(self, report: int, decision: str) -> None:
        self.browser.get(f"/overtredingen/{report}/", "report")
        page = self.browser.follow(
            self.browser.post(
                f"/overtredingen/{report}/besluit/",
                "decide report",
                {"decision": decision, "reason": "Vastgesteld door de teamleider."},
            ),
            "after decision",
        )
        if "Uw besluit is vastgelegd" in page.body:
            status = "confirmed" if decision == "confirm" else "dismissed"
            self.seen.add("report decision", (report, status))


class Auditor(Person):
    """Reads the audit trail and exports it, again and again."""

    second_factor = True

    def work(self) -> None:
        self.browser.get("/audit/", "audit trail")
        export = self.browser.post(
            "/audit/export/", "audit export", {"format": "csv"}, expect=(200,)
        )
        if not export.content_type.startswith("text/csv"):
            raise Hiccup(f"the export came as {export.content_type}")
        self.seen.add("export", None)
        self.wait(2.0)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    team: int | None  # teams are numbered from 0; an auditor has none


def staff_accounts(employees: int, leads: int) -> list[Account]:
    """The simulated staff: one team per team lead, the employees spread over them.

    Each team has one lead, so that two leads never decide the same report.
    """
    teams = max(leads, 1)
    people = [
        Account(f"medewerker{n}", "employee", n % teams)
        for n in range(1, employees + 1)
    ]
    people += [
        Account(f"teamleider{n}", "team_lead", n - 1) for n in range(1, leads + 1)
    ]
    return [
        *people,
        Account("probe", "employee", 0),
        Account("auditor", "auditor", None),
    ]


CREATE_STAFF = """
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import Team, User
accounts, password, app_keys = ARGS
teams = {}
for username, role, number in accounts:
    if number is not None and number not in teams:
        teams[number] = Team.objects.create(
            name=f"Team storingen {number + 1}", division="klant_en_service",
            office="Amsterdam")
    user = User.objects.create_user(
        username, f"{username}@uwv.example", password, first_name="Test",
        last_name=username, team=teams.get(number))
    user.groups.set([Group.objects.get(name=role)])
    if username in app_keys:
        TOTPDevice.objects.create(
            user=user, name="Authenticator-app", key=app_keys[username])
print(json.dumps(User.objects.count()))
"""
