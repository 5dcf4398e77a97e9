"""Error pages: Dutch, no traceback, and 503 when the database or Redis is away."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent.parent

TRACES = ("Traceback", "OperationalError", "ConnectionError", "secret_module", 'File "')


@pytest.fixture
def failing_client():
    """A browser's view of a failure: the response, not the exception."""
    return Client(raise_request_exception=False)


def assert_dutch_page_without_trace(response, heading: str) -> None:
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert f'<h1 class="h2 mb-3">{heading}</h1>' in page
    assert not [trace for trace in TRACES if trace in page]


@pytest.mark.urls("tests.faults.error_urls")
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/stuk/database/", "/stuk/redis/"])
def test_a_service_that_went_away_gives_a_dutch_503_to_retry(
    failing_client, url, django_assert_num_queries
):
    with django_assert_num_queries(0):  # the page needs no database itself
        response = failing_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert_dutch_page_without_trace(response, "uwvrec is even niet beschikbaar")
    assert "probeer het dan opnieuw" in response.content.decode()


@pytest.mark.urls("tests.faults.error_urls")
@pytest.mark.django_db
def test_a_defect_gives_a_dutch_500_without_a_traceback(failing_client):
    response = failing_client.get("/stuk/fout/")
    assert response.status_code == 500
    assert_dutch_page_without_trace(response, "Er ging iets mis")


def test_an_unknown_page_is_a_dutch_404(client, employee):
    client.force_login(employee)
    response = client.get("/gesprekken/999999999/")
    assert response.status_code == 404
    assert_dutch_page_without_trace(response, "Pagina niet gevonden")


def test_a_page_the_role_may_not_open_is_a_dutch_403(client, employee):
    client.force_login(employee)
    response = client.get(reverse("audit:trail"))
    assert response.status_code == 403
    assert_dutch_page_without_trace(response, "Geen toegang")


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_refused_in_dutch():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"), {"username": "a", "password": "b"}
    )
    assert response.status_code == 403
    assert_dutch_page_without_trace(response, "Het formulier is verlopen")


# A page asked with a session cookie: loading the session opens the connection.
ASK_A_PAGE = """
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "s" * 32
page = client.get("/")
print(page.status_code, '<html lang="nl">' in page.content.decode())
"""


def test_a_database_that_does_not_answer_gives_the_503_page_within_seconds():
    # It accepts connections (the kernel does) and never says a word, as a
    # database host behind a network partition or a hung server looks.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "uwvrec.settings.test",
            "DATABASE_URL": f"postgres://uwvrec_app:secret@127.0.0.1:{port}/uwvrec",
            "DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
        }
        result = subprocess.run(
            [sys.executable, "-c", ASK_A_PAGE],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,  # without a connect timeout it waits for ever
            check=False,
        )
    assert result.stdout.split() == ["503", "True"], result.stderr[-2000:]
