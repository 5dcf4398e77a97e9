"""Measure a login's round trip: through the local identity provider, and by password.

Run through ``make bench`` (it starts the services and passes their URLs). It works in
a database of its own, ``uwvrec_bench_login``. The test suite's OpenID Connect provider
(``tests/idp/``, django-oauth-toolkit under gunicorn) and uwvrec (gunicorn, 2 sync
workers) serve on 127.0.0.1. One login, as a browser with fresh cookies does it:

- SSO: the login page, "Inloggen met UWV-account", the provider's login form, its
  answer, the authorization (and with it the code), uwvrec's callback (which fetches
  the provider's keys and trades the code for the tokens) and the home page;
- password: the login page, the form sent, the home page.

``BENCH_LOGIN_COUNT`` logins of each kind (default 20), taking turns; the first SSO
login of each person creates their account, so those are counted apart. Prints a
Markdown table.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

import requests
from common import PROJECT_ROOT, database_url, prepare_database

from tests.html_forms import forms_of
from tests.idp.server import IdentityProvider
from uwvrec.localservices import free_port, wait_for_port

COUNT = int(os.environ.get("BENCH_LOGIN_COUNT", "20"))
DATABASE = "uwvrec_bench_login"
PASSWORD = "bench-wachtwoord-voor-inloggen"  # noqa: S105 - a bench account
TEAM_CODE = "BENCH-LOGIN"

SETUP = f"""
import django
django.setup()
from django.contrib.auth.models import Group
from accounts.models import Team, User
team, _ = Team.objects.get_or_create(
    name="Bench inloggen",
    defaults={{"division": "klant_en_service", "office": "Utrecht"}},
)
Team.objects.filter(pk=team.pk).update(idp_code="{TEAM_CODE}")
User.objects.filter(employee_number__startswith="9900").delete()
user, _ = User.objects.get_or_create(
    username="bench-wachtwoord", defaults={{"team": team}}
)
user.set_password("{PASSWORD}")
user.save()
user.groups.set([Group.objects.get(name="employee")])
"""


def _env(idp: IdentityProvider) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url("DATABASE_URL", DATABASE),
        "DJANGO_SETTINGS_MODULE": "uwvrec.settings.test",
        "PYTHONPATH": str(PROJECT_ROOT),
        "LOG_LEVEL": "WARNING",
        "OIDC_OP_ISSUER": idp.issuer,
        "OIDC_RP_CLIENT_ID": idp.client_id,
        "OIDC_RP_CLIENT_SECRET": idp.client_secret,
        "OIDC_TRUSTS_IDP_MFA": "true",
    }


def _gunicorn(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "uwvrec.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2"),
            *("--log-level", "warning"),
        ],
        cwd=PROJECT_ROOT,
        env=env,
    )
    wait_for_port(port)
    return process


def _submit(browser: requests.Session, page: requests.Response, **fields: str):
    (form,) = (f for f in forms_of(page.url, page.text) if "password" in f.names)
    data = {name: values[0] for name, values in form.values.items()} | fields
    return browser.post(urljoin(page.url, form.action), data=data, timeout=30)


def _sso_login(base: str, username: str) -> float:
    started = time.perf_counter()
    with requests.Session() as browser:
        login_page = browser.get(f"{base}/inloggen/uwv-account/", timeout=30)
        home = _submit(browser, login_page, username=username, password=PASSWORD)
        elapsed = time.perf_counter() - started
    if not home.ok or "Welkom" not in home.text:
        raise RuntimeError(f"SSO login of {username} ended at {home.url}")
    return elapsed


def _password_login(base: str) -> float:
    started = time.perf_counter()
    with requests.Session() as browser:
        login_page = browser.get(f"{base}/inloggen/", timeout=30)
        home = _submit(
            browser, login_page, username="bench-wachtwoord", password=PASSWORD
        )
        elapsed = time.perf_counter() - started
    if not home.ok or "Welkom" not in home.text:
        raise RuntimeError(f"password login ended at {home.url}")
    return elapsed


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as directory,
        IdentityProvider(Path(directory)) as idp,
    ):
        env = _env(idp)
        prepare_database(DATABASE, env)
        subprocess.run(
            [sys.executable, "-c", SETUP], cwd=PROJECT_ROOT, env=env, check=True
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        idp.set_client(
            redirect_uris=[f"{base}/inloggen/uwv-account/terug/"],
            post_logout_redirect_uris=[f"{base}/inloggen/"],
        )
        people = [f"bench-sso-{n}" for n in range(COUNT)]
        for n, username in enumerate(people):
            idp.set_user(
                username,
                password=PASSWORD,
                employee_number=f"9900{n:04d}",
                roles=["uwvrec.medewerker"],
                team=TEAM_CODE,
                preferred_username=username,
            )
        server = _gunicorn(port, env)
        try:
            _password_login(base)  # warm up both workers and the discovery cache
            _password_login(base)
            times: dict[str, list[float]] = {"first": [], "sso": [], "password": []}
            for username in people:
                times["first"].append(_sso_login(base, username))
                times["password"].append(_password_login(base))
            for username in people:
                times["sso"].append(_sso_login(base, username))
        finally:
            server.terminate()
            server.wait(30)
    _print(times)


def _print(times: dict[str, list[float]]) -> None:
    print(
        f"{COUNT} logins of each kind, one browser (fresh cookies) at a time; "
        "uwvrec under gunicorn (2 sync workers), the test provider under gunicorn; "
        "all on 127.0.0.1.\n"
    )
    print("| login | logins | p50 ms | p90 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    labels = {
        "sso": "SSO through the provider (account exists)",
        "first": "SSO, first login (account created)",
        "password": "password on the login page",
    }
    for key, label in labels.items():
        ms = sorted(t * 1000 for t in times[key])
        p90 = ms[max(0, int(len(ms) * 0.9) - 1)]
        print(
            f"| {label} | {len(ms)} | {statistics.median(ms):.1f} | {p90:.1f} "
            f"| {ms[-1]:.1f} |"
        )


if __name__ == "__main__":
    main()
