import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import request_context
from audit.catalogue import Action, Origin
from audit.models import AuditEvent, AuditPending
from audit.payloads import Event
from audit.services.record import (
    PersonalDataInPayloadError,
    audit_record,
    audit_record_many,
    audit_record_refusal,
)
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_records_who_what_result_and_where(employee):
    origin = request_context.AuditContext(
        origin=Origin.WEB, ip="10.1.2.3", user_agent="Firefox", request_id="req-1"
    )
    with request_context.bound(origin):
        event = audit_record(
            actor=employee,
            event=Event(Action.ADMIN_CHANGED, {"reason": "verhuizing"}),
            obj=employee.team,
            changes={"office": {"before": "Utrecht", "after": "Zwolle"}},
        )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.occurred_at is not None
    assert (event.actor_id, event.actor_username, event.actor_name) == (
        employee.pk,
        employee.username,
        employee.get_full_name(),
    )
    assert (event.actor_role, event.team_id, event.team_name) == (
        "employee",
        employee.team.pk,
        employee.team.name,
    )
    assert (event.action, event.object_type, event.object_id, event.result) == (
        "admin.object_changed",
        "accounts.team",
        str(employee.team.pk),
        "success",
    )
    assert event.changes == {"office": {"before": "Utrecht", "after": "Zwolle"}}
    assert event.data == {"reason": "verhuizing"}
    assert (event.ip, event.user_agent, event.request_id, event.origin) == (
        "10.1.2.3",
        "Firefox",
        "req-1",
        "web",
    )


def test_outside_a_request_the_origin_is_the_command_line(employee):
    event = audit_record(actor=employee, event=Event(Action.LOGGED_IN))
    assert (event.origin, event.ip, event.request_id) == ("command", None, "")


def test_refuses_an_action_outside_the_catalogue(employee):
    with pytest.raises(ValueError, match="is not a valid Action"):
        audit_record(actor=employee, event=Event("conversation.eaten"))


def test_refuses_a_payload_holding_a_bsn(employee):
    with pytest.raises(PersonalDataInPayloadError):
        audit_record(
            actor=employee, event=Event(Action.LOGGED_IN, {"note": "bsn 111222333"})
        )
    assert not AuditEvent.objects.filter(actor_id=employee.pk).exists()


def test_refuses_a_bsn_anywhere_in_the_text_of_a_payload(employee):
    with pytest.raises(PersonalDataInPayloadError):
        audit_record(actor=employee, event=Event(Action.LOGGED_IN,
                     {"filters": {"note": ["zie 111222333"]}}))  # fmt: skip


def test_counts_and_ids_are_not_mistaken_for_a_bsn(employee):
    # 111222333 passes the eleven-test; as a number it is a count, not a BSN.
    event = audit_record(actor=employee, event=Event(Action.LOGGED_IN,
                         {"checked": 111222333, "ids": [10039825]}))  # fmt: skip
    assert event.data == {"checked": 111222333, "ids": [10039825]}


@pytest.mark.django_db(transaction=True)
def test_many_events_are_one_insert_of_what_one_by_one_would_make(employee):
    teams = TeamFactory.create_batch(3)
    one = audit_record(
        actor=employee, event=Event(Action.ADMIN_VIEWED, {"n": 0}), obj=teams[0]
    )
    with CaptureQueriesContext(connection) as queries:
        many = audit_record_many(
            actor=employee,
            events=[
                {"event": Event(Action.ADMIN_VIEWED, {"n": n}), "obj": team}
                for n, team in enumerate(teams)
            ],
        )
    statements = [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(statements) == 1
    assert statements[0].startswith('INSERT INTO "audit_auditevent"')
    assert [event.pk for event in many] == sorted(event.pk for event in many)
    stored = list(AuditEvent.objects.filter(pk__in=[e.pk for e in many]).order_by("id"))
    assert [(e.object_id, e.data) for e in stored] == [
        (str(team.pk), {"n": n}) for n, team in enumerate(teams)
    ]
    columns = ("actor_id", "actor_role", "team_name", "action", "object_type", "result")
    assert {tuple(getattr(e, c) for c in columns) for e in stored} == {
        tuple(getattr(one, c) for c in columns)
    }
    assert all(event.occurred_at is not None for event in many)
    # Each row is queued for the sealer, as one recorded alone is.
    assert AuditPending.objects.filter(event_id__in=[e.pk for e in many]).count() == 3


def test_many_events_refuse_a_bsn_in_any_of_them_and_write_none(employee):
    before = AuditEvent.objects.count()
    with pytest.raises(PersonalDataInPayloadError):
        audit_record_many(
            actor=employee,
            events=[
                {"event": Event(Action.ADMIN_VIEWED, {"note": "ok"})},
                {"event": Event(Action.ADMIN_VIEWED, {"note": "bsn 111222333"})},
            ],
        )
    assert AuditEvent.objects.count() == before
    assert audit_record_many(actor=employee, events=[]) == []


def test_a_refusal_survives_the_rollback_of_the_attempt(employee):
    def attempt():
        with transaction.atomic():
            audit_record(
                actor=employee, event=Event(Action.ADMIN_CHANGED), obj=employee
            )
            raise RuntimeError("the attempt fails")

    with pytest.raises(RuntimeError):
        attempt()
    audit_record_refusal(
        actor=employee, event=Event(Action.ADMIN_CHANGED), obj=employee
    )

    events = AuditEvent.objects.filter(actor_id=employee.pk)
    assert list(events.values_list("action", "result")) == [
        ("admin.object_changed", "denied")
    ]


def test_login_logout_and_failed_login_are_events(client, employee):
    login = reverse("accounts:login")
    client.post(login, {"username": employee.username, "password": "wrong"})
    client.post(login, {"username": employee.username, "password": PASSWORD})
    client.post(reverse("accounts:logout"))

    events = AuditEvent.objects.order_by("id")
    failed, logged_in, logged_out = events
    assert (failed.action, failed.result, failed.actor_id) == (
        "auth.login_failed",
        "failed",
        None,
    )
    # Against the account; the text typed is never stored.
    assert (failed.object_type, failed.object_id) == ("accounts.user", str(employee.pk))
    assert failed.data == {}
    assert (logged_in.action, logged_in.actor_id) == ("auth.logged_in", employee.pk)
    assert (logged_out.action, logged_out.actor_id) == ("auth.logged_out", employee.pk)
    assert logged_in.ip == "127.0.0.1"
    assert logged_in.origin == "web"
    assert len(logged_in.request_id) == 36  # the request id on every log line


def test_admin_changes_are_events_with_before_and_after(client, admin_user):
    team = TeamFactory(office="Utrecht")
    client.force_login(admin_user)
    url = reverse("admin:accounts_team_change", args=[team.pk])
    response = client.post(url, {"name": team.name, "division": team.division,
                                 "office": "Zwolle"})  # fmt: skip
    assert response.status_code == 302

    event = AuditEvent.objects.get(action=Action.ADMIN_CHANGED)
    assert (event.actor_id, event.object_type, event.object_id) == (
        admin_user.pk,
        "accounts.team",
        str(team.pk),
    )
    assert event.changes == {"office": {"before": "Utrecht", "after": "Zwolle"}}


def test_admin_never_writes_a_password_to_the_trail(client, admin_user, employee):
    admin_user.is_superuser = True  # only a superuser sets another's password
    admin_user.save()
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[employee.pk])
    client.post(url, {"password1": "Een-nieuw-wachtwoord-1", "password2":
                      "Een-nieuw-wachtwoord-1", "usable_password": "true"})  # fmt: skip
    add = reverse("admin:accounts_user_add")
    client.post(add, {"username": "nieuw", "password1": "Een-nieuw-wachtwoord-1",
                      "password2": "Een-nieuw-wachtwoord-1", "usable_password": "true",
                      "groups": [Group.objects.get(name="employee").pk]})  # fmt: skip
    for event in AuditEvent.objects.all():
        assert "Een-nieuw-wachtwoord-1" not in str(event.changes)
        assert "Een-nieuw-wachtwoord-1" not in str(event.data)
    changed = AuditEvent.objects.get(action=Action.ADMIN_CHANGED)
    assert changed.changes == {"password": {"hidden": True}}
    # The add form has no password: one posted is ignored, and none is recorded.
    added = AuditEvent.objects.get(action=Action.ADMIN_ADDED)
    assert not any("password" in name for name in added.changes)


def test_admin_deletions_are_events(client, admin_user):
    team = TeamFactory()
    admin_user.is_superuser = True  # the admin role itself may not delete teams
    admin_user.save()
    client.force_login(admin_user)
    client.post(reverse("admin:accounts_team_delete", args=[team.pk]), {"post": "yes"})
    event = AuditEvent.objects.get(action=Action.ADMIN_DELETED)
    assert (event.object_type, event.object_id) == ("accounts.team", str(team.pk))


def test_every_admin_in_the_project_is_audited():
    call_command("check", "--tag", "admin")
