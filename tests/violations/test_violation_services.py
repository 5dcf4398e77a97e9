"""Reporting, deciding and withdrawing, as the personas, through the services."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from conversations.models import Conversation
from conversations.selectors import (
    client_has_prior_violation,
    conversation_for,
    plan_of,
)
from tests.conversations.helpers import answer
from tests.factories import UserFactory
from tests.violations.helpers import confirmed, next_conversation, report
from violations.models import Notification, ViolationEvent
from violations.selectors import flag_from_reports
from violations.services import (
    ViolationError,
    violation_confirm,
    violation_dismiss,
    violation_withdraw,
)
from violations.tasks import deliver_notification


def events(obj, action):
    return list(
        AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).order_by("id")
    )


def fresh(client):
    """The client again, with its flag as stored now."""
    return type(client).objects.get(pk=client.pk)


def flag_of(client, user):
    """The client's flag as its reports say, stored so, and as a page reads it."""
    alone = flag_from_reports(client_id=client.pk)
    assert fresh(client).flag == alone
    for conversation in Conversation.objects.filter(client=client, team=user.team):
        page = conversation_for(user=user, pk=conversation.pk)
        assert page.client.flag == alone
    return alone


def refuses_prior_violation(reporter, conversation):
    later = next_conversation(reporter, conversation)
    answer(reporter, later, "kind", kind=later.kind)
    answer(reporter, later, "wish", wish="audio")
    later = type(later).objects.get(pk=later.pk)
    decision = plan_of(later).decision
    return decision.outcome.value == "not_allowed" and "PRIOR_VIOLATION" in [
        str(reason) for reason in decision.reasons
    ]


def test_the_full_path_report_notify_confirm_refuse_withdraw_allow(
    reporter, lead, conversation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        made = report(reporter, conversation)
    assert len(queued) == 1  # the hand-over to Celery waits for the commit
    note = Notification.objects.get(report=made)
    assert (note.recipient, note.kind, note.sent_at) == (lead, "reported", None)

    assert deliver_notification(notification_id=note.pk) is True
    assert deliver_notification(notification_id=note.pk) is False  # sent once
    assert [mail.to for mail in mailoutbox] == [[lead.email]]
    assert "Telefoon" not in mailoutbox[0].body  # nothing about the client

    audit = events(made, "violation.reported")[0]
    assert audit.actor_id == reporter.pk
    assert audit.client_ref == conversation.client.client_ref
    assert audit.data == {
        "rule": "recorded_secretly",
        "status": "reported",
        "conversation": conversation.pk,
    }
    assert not client_has_prior_violation(fresh(conversation.client))

    decided = violation_confirm(
        actor=lead, report=made, reason="Gezien.", at=timezone.now()
    )
    decided.refresh_from_db()
    assert (decided.status, decided.decided_by) == ("confirmed", lead)
    assert Notification.objects.get(report=made, kind="decided").recipient == reporter
    flag = flag_of(conversation.client, reporter)
    assert (flag.rule, flag.happened_on) == ("recorded_secretly", made.happened_on)
    assert refuses_prior_violation(reporter, conversation)

    violation_withdraw(actor=lead, report=made, reason="Bezwaar", at=timezone.now())
    assert flag_of(conversation.client, reporter) is None
    assert not refuses_prior_violation(reporter, conversation)
    assert [e.kind for e in ViolationEvent.objects.filter(report=made)] == [
        "reported",
        "confirmed",
        "withdrawn",
    ]
    assert events(made, "violation.withdrawal_recorded")[0].data == {
        "rule": "recorded_secretly",
        "status": "confirmed",
        "client_flagged": False,
    }


def test_the_reporter_never_decides_on_their_own_report(lead, other_lead, conversation):
    lead.groups.add(*UserFactory(team=lead.team).groups.all())  # also an employee
    made = report(lead, conversation)
    with pytest.raises(PermissionDenied):
        violation_confirm(actor=lead, report=made, reason="Ja", at=timezone.now())
    made.refresh_from_db()
    assert made.status == "reported"
    refused = events(made, "violation.confirmed")[0]
    assert (refused.result, refused.data) == ("denied", {"code": "four_eyes"})
    violation_confirm(actor=other_lead, report=made, reason="Ja", at=timezone.now())
    made.refresh_from_db()
    assert made.status == "confirmed"


def test_a_dismissed_report_does_not_flag(reporter, lead, conversation):
    made = report(reporter, conversation)
    violation_dismiss(
        actor=lead, report=made, reason="Niet te bewijzen", at=timezone.now()
    )
    made.refresh_from_db()
    assert (made.status, made.decision_reason) == ("dismissed", "Niet te bewijzen")
    assert flag_of(conversation.client, reporter) is None
    with pytest.raises(ViolationError):
        violation_confirm(actor=lead, report=made, reason="Toch", at=timezone.now())
    assert events(made, "violation.confirmed")[0].data == {"code": "already_decided"}


def test_a_second_report_on_a_flagged_client(reporter, lead, conversation):
    first = confirmed(reporter, lead, conversation)
    second = report(
        reporter, next_conversation(reporter, conversation), "video_recorded"
    )
    assert flag_of(conversation.client, reporter).report_id == first.pk
    violation_confirm(actor=lead, report=second, reason="Ook", at=timezone.now())
    assert flag_of(conversation.client, reporter).report_id == second.pk


def test_withdrawing_one_of_two_confirmed_violations_keeps_the_flag(
    reporter, lead, conversation
):
    first = confirmed(reporter, lead, conversation)
    second = confirmed(
        reporter, lead, conversation, "video_recorded", other_than_earlier=True
    )
    violation_withdraw(actor=lead, report=second, reason="Fout", at=timezone.now())
    assert flag_of(conversation.client, reporter).report_id == first.pk
    assert (
        events(second, "violation.withdrawal_recorded")[0].data["client_flagged"]
        is True
    )
    assert refuses_prior_violation(reporter, conversation)


def test_a_reason_is_required(reporter, lead, conversation):
    made = report(reporter, conversation)
    with pytest.raises(ViolationError):
        violation_confirm(actor=lead, report=made, reason="  ", at=timezone.now())
    made.refresh_from_db()
    assert made.status == "reported"


@pytest.mark.parametrize("who", ["other_team_lead", "employee", "auditor"])
def test_only_a_team_lead_of_the_team_decides(who, reporter, conversation):
    made = report(reporter, conversation)
    actor = {
        "other_team_lead": lambda: UserFactory(team_lead=True),
        "employee": lambda: UserFactory(team=reporter.team),
        "auditor": lambda: UserFactory(auditor=True),
    }[who]()
    with pytest.raises(PermissionDenied):
        violation_confirm(actor=actor, report=made, reason="Ja", at=timezone.now())
    assert events(made, "violation.confirmed")[0].result == "denied"


def test_only_an_employee_of_the_team_reports(conversation):
    with pytest.raises(PermissionDenied):
        report(UserFactory(), conversation)
    assert AuditEvent.objects.filter(
        action="violation.reported", result="denied"
    ).exists()


def test_history_is_append_only(reporter, conversation):
    from django.db import DatabaseError, transaction

    event = ViolationEvent.objects.get(report=report(reporter, conversation))
    with pytest.raises(DatabaseError), transaction.atomic():
        ViolationEvent.objects.filter(pk=event.pk).update(reason="x")


def test_withdrawing_tells_the_reporter_and_the_other_team_leads_by_mail(
    reporter,
    lead,
    other_lead,
    conversation,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    made = confirmed(reporter, lead, conversation)
    UserFactory(team_lead=True, email="elders@uwv.example")  # another team's lead
    reason = "Bezwaar van de klant gegrond verklaard."
    with django_capture_on_commit_callbacks() as queued:
        violation_withdraw(actor=lead, report=made, reason=reason, at=timezone.now())
    told = Notification.objects.filter(report=made, kind="withdrawn")
    assert sorted(note.recipient.email for note in told) == [
        other_lead.email,
        reporter.email,
    ]
    assert len(queued) == 2  # each handed to Celery only after the commit

    for note in told:
        assert deliver_notification(notification_id=note.pk) is True
    mails = {mail.to[0]: mail for mail in mailoutbox}
    assert sorted(mails) == sorted([other_lead.email, reporter.email])
    for mail in mails.values():
        assert mail.subject == "Bevestigde overtreding ingetrokken"
        text = mail.subject + mail.body
        # As the other notifications: nothing about the client, nor the reason.
        for secret in (made.client.display_name, made.what_happened, reason):
            assert secret not in text
        assert "geen gegevens over de klant" in mail.body
    assert "die u meldde" in mails[reporter.email].body
    assert f"/overtredingen/{made.pk}/" in mails[other_lead.email].body
    assert f"/overtredingen/{made.pk}/" not in mails[reporter.email].body
