"""A client's erasure (AVG art. 17) through the services, on the real database.

Four eyes of two roles: a team lead and an auditor, whoever asks; the asker, a
second of the same role, or a team lead of another team cannot agree. An
approved erasure removes every row about the client through ``privacy_erase``;
a standing hold or a confirmed violation that flags them refuses it, recorded
with its code. The app's role can neither call the function for a request that
is not approved nor remove the rows itself.
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services.verify import audit_verify
from conversations.models import Client, Conversation
from privacy.models import AccessExport, ErasureRequest, LegalHold
from privacy.services.access_export import access_export_path
from privacy.services.erasure import (
    ErasureError,
    FourEyesError,
    erasure_approve,
    erasure_decline,
    erasure_request,
)
from privacy.services.holds import hold_lift_agree, hold_lift_request, hold_place
from tests.database_logins import OWNER, connected_as
from tests.factories import (
    ClientFactory,
    ConversationFactory,
    UserFactory,
    valid_bsn,
)
from tests.privacy.helpers import decided_conversation
from tests.violations.helpers import confirmed, report
from violations.services import violation_dismiss, violation_withdraw

pytestmark = pytest.mark.django_db

BSN = "999990019"
NAME = "Fatima Yilmaz"
# The tables whose rows are about a client: they refer to a client, to one of
# the client's conversations, or to one of the client's reports.
ABOUT = {
    "conversations_client": "id",
    "conversations_conversation": "id",
    "violations_violationreport": "id",
}


@pytest.fixture
def lead(employee):
    return UserFactory(team_lead=True, team=employee.team)


@pytest.fixture
def other_lead(db):
    return UserFactory(team_lead=True)


@pytest.fixture
def second_auditor(db):
    return UserFactory(auditor=True)


@pytest.fixture
def access_dir(settings, tmp_path):
    settings.ACCESS_EXPORT_DIR = tmp_path / "access"
    settings.ACCESS_EXPORT_DIR.mkdir()
    return settings.ACCESS_EXPORT_DIR


@pytest.fixture
def known(employee, lead, auditor, second_auditor, access_dir):
    """A client with everything the app can hold about them, none of it flagging.

    Two decided conversations with a third person, a dismissed report (with its
    history and messages), a withdrawn violation, a lifted hold, an access
    export; and a bystander client of the same team who must stay whole.
    """
    client = ClientFactory(bsn=BSN, display_name=NAME)
    first = decided(employee, client)
    second = decided(employee, client)
    violation_dismiss(
        actor=lead, report=report(employee, first), reason="Niet zo.", at=timezone.now()
    )
    withdrawn = confirmed(employee, lead, second)
    violation_withdraw(
        actor=lead, report=withdrawn, reason="Een vergissing.", at=timezone.now()
    )
    hold = place(auditor, client)
    hold_lift_request(actor=auditor, hold=hold, reason="Klaar.", at=timezone.now())
    hold_lift_agree(actor=second_auditor, hold=hold, at=timezone.now())
    export = AccessExport.objects.create(
        client=client,
        requested_by=auditor,
        status=AccessExport.Status.DONE,
        file_stem="inzage-1-test",
        created_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    for file_format in ("pdf", "json"):
        access_export_path(export, file_format).write_text(NAME, encoding="utf-8")
    bystander = decided(employee, ClientFactory(display_name="Johan de Boer")).client
    client.refresh_from_db()
    assert client.flag is None
    return client, bystander


def decided(employee, client) -> Conversation:
    return decided_conversation(employee, timezone.now(), client)


def place(auditor, client, until=None) -> LegalHold:
    return hold_place(
        actor=auditor,
        bsn=client.bsn,
        reason="Bezwaar loopt.",
        case_reference="BZW-2026-0042",
        until=until,
        at=timezone.now(),
    )


def ask(actor, bsn=BSN, reason="De klant vroeg per brief om wissing."):
    return erasure_request(actor=actor, bsn=bsn, reason=reason, at=timezone.now())


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def references() -> list[tuple[str, str, str]]:
    """Return (table, column, table referred to) of every foreign key, as the
    models declare them (some have no constraint in the database), to a client, a
    conversation or a violation report."""
    return [
        (model._meta.db_table, field.column, field.related_model._meta.db_table)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model is not None
        and field.related_model._meta.db_table in ABOUT
    ]


def rows_about(client_id: int) -> dict[str, int]:
    """Count, in every table with a foreign key to a client, a conversation or a
    report, the rows that lead back to this client; and the client's own row."""
    ids = {
        "conversations_client": "SELECT %(client)s",
        "conversations_conversation": (
            "SELECT id FROM conversations_conversation WHERE client_id = %(client)s"
        ),
        "violations_violationreport": (
            "SELECT id FROM violations_violationreport WHERE client_id = %(client)s"
        ),
    }
    counts = {}
    with connection.cursor() as cursor:
        for table, column, target in references():
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE {column} IN ({ids[target]})",
                {"client": client_id},
            )
            counts[f"{table}.{column}"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM conversations_client WHERE id = %s", [client_id]
        )
        counts["conversations_client"] = cursor.fetchone()[0]
    return counts


def test_every_table_about_a_client_is_counted():
    counted = {f"{table}.{column}" for table, column, _target in references()}
    assert {
        "conversations_conversation.client_id",
        "conversations_participant.conversation_id",
        "conversations_decision.conversation_id",
        "violations_violationreport.client_id",
        "violations_violationreport.conversation_id",
        "violations_violationevent.report_id",
        "violations_notification.report_id",
        "privacy_legalhold.client_id",
        "privacy_accessexport.client_id",
        "privacy_erasurerequest.client_id",
    } <= counted


# --- four eyes ---


def test_a_team_lead_asks_an_auditor_agrees_and_everything_about_the_client_goes(
    known, lead, auditor, access_dir, django_capture_on_commit_callbacks
):
    client, bystander = known
    client_id, client_ref = client.pk, client.client_ref
    before = rows_about(client_id)
    assert before["conversations_conversation.client_id"] == 2
    assert before["conversations_decision.conversation_id"] == 2
    assert before["violations_violationevent.report_id"] >= 4
    assert before["privacy_legalhold.client_id"] == 1
    assert before["privacy_accessexport.client_id"] == 1
    kept_before = rows_about(bystander.pk)

    request = ask(lead)
    assert (request.status, request.requested_role) == ("requested", "team_lead")
    requested = last("privacy.erasure_requested")
    assert (requested.actor_id, requested.data, requested.client_ref) == (
        lead.pk,
        {"role": "team_lead"},
        client_ref,
    )
    assert requested.object_type == "privacy.erasurerequest"

    approved_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):  # the files: at commit
        done = erasure_approve(actor=auditor, request=request, at=approved_at)

    assert done.status == ErasureRequest.Status.DONE
    assert (done.approved_by, done.approved_at) == (auditor, approved_at)
    assert done.client_id is None
    assert done.client_ref == client_ref
    assert done.done_at is not None
    assert {table: n for table, (n, *_ids) in done.removed.items()} == {
        "conversations_client": 1,
        "conversations_conversation": 2,
        "conversations_participant": 2,
        "conversations_decision": 2,
        "violations_violationreport": 2,
        "violations_violationevent": before["violations_violationevent.report_id"],
        "violations_notification": before["violations_notification.report_id"],
        "privacy_legalhold": 1,
        "privacy_accessexport": 1,
    }
    after = rows_about(client_id)
    assert set(after.values()) == {0}, after
    assert list(access_dir.iterdir()) == []  # the access export's files too
    assert rows_about(bystander.pk) == kept_before

    # The trail keeps what happened, by the pseudonym only.
    events = AuditEvent.objects.filter(client_ref=client_ref)
    assert events.filter(action="decision.recorded").count() == 2
    assert NAME not in str(list(events.values()))
    assert BSN not in str(list(events.values()))
    agreed = last("privacy.erasure_approved")
    assert (agreed.actor_id, agreed.result, agreed.object_id) == (
        auditor.pk,
        "success",
        str(request.pk),
    )
    assert agreed.data == {"requested_by": lead.pk, "requested_role": "team_lead"}
    removed = last("privacy.records_removed")
    assert removed.data == {"kind": "erasure", "removed": done.removed}
    assert (removed.client_ref, removed.actor_id) == (client_ref, auditor.pk)
    assert audit_verify(seal=True).intact


def test_an_auditor_asks_and_a_team_lead_of_the_clients_team_agrees(
    known, lead, auditor
):
    client, _bystander = known
    request = ask(auditor)
    assert request.requested_role == "auditor"
    done = erasure_approve(actor=lead, request=request, at=timezone.now())
    assert done.status == "done"
    assert not Client.objects.filter(pk=client.pk).exists()
    # What stays of the request holds the pseudonym, not the reason (free text).
    done.refresh_from_db()
    assert (done.client_id, done.reason) == (None, "")
    assert done.client_ref == client.client_ref


def test_who_asked_cannot_agree(known, lead):
    request = ask(lead)
    with pytest.raises(FourEyesError) as refused:
        erasure_approve(actor=lead, request=request, at=timezone.now())
    assert refused.value.code == "four_eyes"
    assert "zelf gedaan" in refused.value.messages[0]
    request.refresh_from_db()
    assert (request.status, request.approved_by) == ("requested", None)
    event = last("privacy.erasure_approved")
    assert (event.result, event.data, event.actor_id) == (
        "denied",
        {"code": "four_eyes"},
        lead.pk,
    )


def test_two_team_leads_are_not_enough(known, lead, employee):
    second_lead = UserFactory(team_lead=True, team=employee.team)
    request = ask(lead)
    with pytest.raises(FourEyesError) as refused:
        erasure_approve(actor=second_lead, request=request, at=timezone.now())
    assert refused.value.code == "same_role"
    assert "een auditor moet akkoord geven" in refused.value.messages[0]
    with pytest.raises(FourEyesError):
        erasure_decline(
            actor=second_lead, request=request, reason="Nee.", at=timezone.now()
        )
    request.refresh_from_db()
    assert request.status == "requested"
    assert Client.objects.filter(pk=known[0].pk).exists()
    refusals = AuditEvent.objects.filter(actor_id=second_lead.pk, result="denied")
    assert sorted(refusals.values_list("action", "data")) == [
        ("privacy.erasure_approved", {"code": "same_role"}),
        ("privacy.erasure_declined", {"code": "same_role"}),
    ]


def test_two_auditors_are_not_enough(known, auditor, second_auditor):
    request = ask(auditor)
    with pytest.raises(FourEyesError) as refused:
        erasure_approve(actor=second_auditor, request=request, at=timezone.now())
    assert refused.value.code == "same_role"
    assert last("privacy.erasure_approved").data == {"code": "same_role"}
    assert last("privacy.erasure_approved").result == "denied"
    assert Client.objects.filter(pk=known[0].pk).exists()


def test_who_is_both_auditor_and_team_lead_agrees_as_the_auditor_only(
    known, employee, auditor
):
    both = UserFactory(team_lead=True, team=employee.team)
    both.groups.add(Group.objects.get(name="auditor"))
    request = ask(auditor)
    with pytest.raises(FourEyesError) as refused:
        erasure_approve(actor=both, request=request, at=timezone.now())
    assert refused.value.code == "same_role"
    assert Client.objects.filter(pk=known[0].pk).exists()


def test_a_team_lead_of_another_team_cannot_agree(known, auditor, other_lead):
    request = ask(auditor)
    with pytest.raises(FourEyesError) as refused:
        erasure_approve(actor=other_lead, request=request, at=timezone.now())
    assert refused.value.code == "not_in_team"
    assert Client.objects.filter(pk=known[0].pk).exists()


def test_a_team_lead_asks_only_about_a_client_of_the_team(known, other_lead):
    with pytest.raises(ErasureError) as refused:
        ask(other_lead)
    assert refused.value.code == "not_in_team"
    assert not ErasureRequest.objects.exists()
    assert last("privacy.erasure_requested").data == {"code": "not_in_team"}


@pytest.mark.parametrize("role", ["employee", "admin"])
def test_employees_and_admins_neither_ask_nor_decide(known, lead, role):
    actor = UserFactory(**({role: True} if role != "employee" else {}))
    with pytest.raises(PermissionDenied):
        ask(actor)
    request = ask(lead)
    with pytest.raises(PermissionDenied):
        erasure_approve(actor=actor, request=request, at=timezone.now())
    actions = AuditEvent.objects.filter(actor_id=actor.pk, result="denied")
    assert sorted(actions.values_list("action", flat=True)) == [
        "privacy.erasure_approved",
        "privacy.erasure_requested",
    ]
    assert not AuditEvent.objects.filter(
        action="client.searched", actor_id=actor.pk
    ).exists()


def test_the_database_refuses_an_approval_by_who_asked(known, lead):
    request = ask(lead)
    with pytest.raises(IntegrityError), transaction.atomic():
        ErasureRequest.objects.filter(pk=request.pk).update(
            approved_by=lead, approved_at=timezone.now(), status="refused",
            refusal="hold",
        )  # fmt: skip


def test_a_decline_keeps_everything_and_says_why(known, lead, auditor):
    request = ask(lead)
    with pytest.raises(ErasureError) as refused:
        erasure_decline(actor=auditor, request=request, reason=" ", at=timezone.now())
    assert refused.value.code == "reason_missing"
    declined = erasure_decline(
        actor=auditor, request=request, reason="Er loopt bezwaar.", at=timezone.now()
    )
    assert (declined.status, declined.declined_by) == ("declined", auditor)
    assert declined.declined_reason == "Er loopt bezwaar."
    assert rows_about(known[0].pk)["conversations_client"] == 1
    event = last("privacy.erasure_declined")
    assert (event.result, event.data) == (
        "success",
        {"requested_by": lead.pk, "requested_role": "team_lead"},
    )
    with pytest.raises(ErasureError) as again:
        erasure_approve(actor=auditor, request=declined, at=timezone.now())
    assert again.value.code == "not_open"
    # Declined, a new request may be made.
    assert ask(lead).status == "requested"


def test_one_open_request_per_client(known, lead, auditor):
    ask(lead)
    with pytest.raises(ErasureError) as refused:
        ask(auditor)
    assert refused.value.code == "already_open"
    assert ErasureRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("reason", "code"),
    [("  ", "reason_missing"), ("Klant 999990019 belde.", "bsn_in_text")],
)
def test_a_reason_without_content_or_with_a_bsn_is_refused(known, lead, reason, code):
    with pytest.raises(ErasureError) as refused:
        ask(lead, reason=reason)
    assert refused.value.code == code
    assert not ErasureRequest.objects.exists()
    assert "999990019" not in str(last("privacy.erasure_requested").data)


def test_an_unknown_bsn_is_refused(known, lead):
    with pytest.raises(ErasureError) as refused:
        ask(lead, bsn=valid_bsn())
    assert refused.value.code == "not_found"


# --- refused: a hold, a flag ---


def test_a_standing_hold_refuses_the_erasure_and_nothing_goes(
    known, lead, auditor, access_dir
):
    client, _bystander = known
    hold = place(auditor, client)
    request = ask(lead)
    before = rows_about(client.pk)

    refused = erasure_approve(actor=auditor, request=request, at=timezone.now())

    assert (refused.status, refused.refusal) == ("refused", "hold")
    assert refused.refusal_hold_id == hold.pk
    assert refused.approved_by == auditor
    assert rows_about(client.pk) == before
    assert len(list(access_dir.iterdir())) == 2
    event = last("privacy.erasure_refused")
    assert (event.result, event.data, event.client_ref) == (
        "failed",
        {"code": "hold", "hold": hold.pk},
        client.client_ref,
    )
    assert not AuditEvent.objects.filter(action="privacy.records_removed").exists()


def test_a_hold_until_a_past_day_does_not_refuse(known, lead, auditor):
    client, _bystander = known
    hold = place(auditor, client, until=timezone.localdate())
    LegalHold.objects.filter(pk=hold.pk).update(
        until=timezone.localdate() - dt.timedelta(days=1)
    )
    done = erasure_approve(actor=auditor, request=ask(lead), at=timezone.now())
    assert done.status == "done"
    assert done.removed["privacy_legalhold"][0] == 2


def test_a_confirmed_violation_that_flags_the_client_refuses(known, employee, lead):
    client, _bystander = known
    auditor = UserFactory(auditor=True)
    confirmed(employee, lead, ConversationFactory(employee=employee, client=client))
    request = ask(lead)
    before = rows_about(client.pk)

    refused = erasure_approve(actor=auditor, request=request, at=timezone.now())

    assert (refused.status, refused.refusal) == ("refused", "flagged")
    assert rows_about(client.pk) == before
    assert last("privacy.erasure_refused").data == {"code": "flagged"}


# --- the database's own checks ---


def test_the_app_role_cannot_erase_a_request_that_is_not_approved(known, lead):
    request = ask(lead)
    with (
        connection.cursor() as cursor,
        pytest.raises(Exception, match="not approved by a second person"),
        transaction.atomic(),
    ):
        cursor.execute("SELECT privacy_erase(%s)", [request.pk])
    assert rows_about(known[0].pk)["conversations_client"] == 1


def test_the_function_asks_for_the_other_role_itself(known, lead, employee):
    request = ask(lead)
    second_lead = UserFactory(team_lead=True, team=employee.team)
    ErasureRequest.objects.filter(pk=request.pk).update(
        approved_by=second_lead, approved_at=timezone.now()
    )
    with (
        connection.cursor() as cursor,
        pytest.raises(Exception, match="not approved in the other role"),
        transaction.atomic(),
    ):
        cursor.execute("SELECT privacy_erase(%s)", [request.pk])
    assert rows_about(known[0].pk)["conversations_client"] == 1


def test_the_function_refuses_a_held_client_even_when_approved(known, lead, auditor):
    client, _bystander = known
    request = ask(lead)
    place(auditor, client)
    ErasureRequest.objects.filter(pk=request.pk).update(
        approved_by=auditor, approved_at=timezone.now()
    )
    with (
        connection.cursor() as cursor,
        pytest.raises(Exception, match="under a legal hold"),
        transaction.atomic(),
    ):
        cursor.execute("SELECT privacy_erase(%s)", [request.pk])
    assert rows_about(client.pk)["conversations_client"] == 1


def test_the_app_role_cannot_remove_the_rows_itself(known):
    client, _bystander = known
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('uwvrec.retention', 'on', true)")
        for table, column in (
            ("conversations_decision", "conversation_id"),
            ("violations_violationevent", "report_id"),
        ):
            with (
                pytest.raises(Exception, match="permission denied"),
                transaction.atomic(),
            ):
                cursor.execute(f"DELETE FROM {table} WHERE {column} IS NOT NULL")
    assert rows_about(client.pk)["conversations_decision.conversation_id"] == 2


@pytest.mark.django_db(transaction=True)
def test_the_owner_itself_cannot_call_the_function_around_the_guard(
    employee, lead, auditor
):
    """Only the app's login reaches the guard's narrow path: the owner's own
    login, even calling its function for an approved request, is refused."""
    client = ClientFactory(bsn=BSN, display_name=NAME)
    decided(employee, client)
    request = ask(lead)
    ErasureRequest.objects.filter(pk=request.pk).update(
        approved_by=auditor, approved_at=timezone.now()
    )
    with (
        connected_as(OWNER) as db,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        db.execute("SELECT privacy_erase(%s)", [request.pk])
    assert rows_about(client.pk)["conversations_decision.conversation_id"] == 1
