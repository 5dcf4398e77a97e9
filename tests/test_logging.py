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
