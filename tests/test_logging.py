"""Every log line of a request carries its id; no passwords or names reach the logs."""

import logging

import pytest
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _request_logs(caplog):
    return [
        record.msg
        for record in caplog.records
        if record.name.startswith("django_structlog") and isinstance(record.msg, dict)
    ]


def test_each_request_logs_with_its_request_id(client, employee, caplog):
    caplog.set_level(logging.INFO)
    login = {"username": employee.username, "password": "correct-horse-battery"}
    client.post(reverse("accounts:login"), login)
    lines = _request_logs(caplog)
    assert [line["event"] for line in lines] == ["request_started", "request_finished"]
    request_id = lines[0]["request_id"]
    assert all(line["request_id"] == request_id for line in lines)
    # The audit trail names the same request, so a log line leads to its event.
    assert AuditEvent.objects.get(action="auth.logged_in").request_id == request_id


def test_logs_hold_no_password_name_or_address(client, employee, caplog):
    caplog.set_level(logging.DEBUG)
    login = {"username": employee.username, "password": "geheim-wachtwoord"}
    client.post(reverse("accounts:login"), login)
    text = "\n".join(str(record.msg) for record in caplog.records)
    assert "geheim-wachtwoord" not in text
    assert employee.last_name not in text
    assert "127.0.0.1" not in text


def test_request_log_lines_hold_no_query_string(client, admin_user, caplog):
    client.force_login(admin_user)
    caplog.set_level(logging.INFO)
    url = reverse("admin:conversations_client_changelist")
    assert client.get(url, {"q": "klant 999990019 Jansen"}).status_code == 200
    requests = {line["request"] for line in _request_logs(caplog)}
    assert requests == {f"GET {url}"}
    text = "\n".join(str(record.msg) for record in caplog.records)
    assert "999990019" not in text
    assert "Jansen" not in text


def test_a_request_line_of_runserver_loses_its_query_string():
    from uwvrec.logs import drop_query_strings

    line = '"GET /beheer/conversations/client/?q=klant+999990019 HTTP/1.1" 404 179'
    event = drop_query_strings(None, "warning", {"event": line})
    assert event["event"] == '"GET /beheer/conversations/client/ HTTP/1.1" 404 179'
