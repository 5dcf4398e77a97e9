"""Legal holds through the services: placing, asking to lift, agreeing (four eyes),
and every refusal recorded with its code; on the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from privacy.access import hold_standing, may_agree_to_lift, may_request_lift
from privacy.models import LegalHold
from privacy.presentation import HoldStatus, hold_status, period_shown
from privacy.selectors import hold_list_for
from privacy.services.holds import (
    FourEyesError,
    HoldError,
    hold_lift_agree,
    hold_lift_request,
    hold_place,
    holds_view_record,
)
from tests.factories import ClientFactory, UserFactory, valid_bsn

pytestmark = pytest.mark.django_db

BSN = "999990019"


@pytest.fixture
def held_client(db):
    return ClientFactory(bsn=BSN, display_name="Fatima Yilmaz")


@pytest.fixture
def second_auditor(db):
    return UserFactory(auditor=True)


def place(actor, *, bsn=BSN, until=None, **fields) -> LegalHold:
    return hold_place(
        actor=actor,
        bsn=bsn,
        reason=fields.get("reason", "Bezwaar en beroep lopen."),
        case_reference=fields.get("case_reference", "BZW-2026-0042"),
        until=until,
        at=fields.get("at", timezone.now()),
    )


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def today() -> dt.date:
    return timezone.localdate()


def test_an_auditor_places_an_open_ended_hold_and_it_is_audited(auditor, held_client):
    hold = place(auditor)

    hold.refresh_from_db()
    assert (hold.client, hold.placed_by, hold.until) == (held_client, auditor, None)
    assert (hold.reason, hold.case_reference) == (
        "Bezwaar en beroep lopen.",
        "BZW-2026-0042",
    )
    assert hold_standing(hold, today())
    searched = last("client.searched")
    assert (searched.actor_id, searched.result, searched.data) == (
        auditor.pk,
        "success",
        {"found": True},
    )
    assert searched.client_ref == held_client.client_ref
    event = last("privacy.hold_placed")
    assert event.actor_id == auditor.pk
    assert event.actor_role == "auditor"
    assert (event.object_type, event.object_id) == ("privacy.legalhold", str(hold.pk))
    assert event.client_ref == held_client.client_ref
    assert event.result == "success"
    assert event.data == {"until": None}
    assert event.changes == {}
    # Neither the BSN, the reason nor the case reference reach the trail.
    row = str(AuditEvent.objects.filter(pk=event.pk).values().get()) + str(
        searched.data
    )
    for secret in (BSN, "Bezwaar", "BZW-2026"):
        assert secret not in row


def test_a_hold_until_a_day_records_the_day_and_stands_through_it(auditor, held_client):
    until = today() + dt.timedelta(days=30)
    hold = place(auditor, until=until)
    assert last("privacy.hold_placed").data == {"until": until.isoformat()}
    assert hold_standing(hold, until)
    assert not hold_standing(hold, until + dt.timedelta(days=1))
    assert hold_status(hold, until + dt.timedelta(days=1)) == HoldStatus.ENDED


def test_a_hold_until_today_is_taken(auditor, held_client):
    assert place(auditor, until=today()).until == today()


def test_an_until_in_the_past_is_refused_and_recorded(auditor, held_client):
    with pytest.raises(HoldError) as refused:
        place(auditor, until=today() - dt.timedelta(days=1))
    assert refused.value.code == "until_past"
    assert "verleden" in refused.value.messages[0]
    assert not LegalHold.objects.exists()
    event = last("privacy.hold_placed")
    assert (event.result, event.data, event.actor_id) == (
        "failed",
        {"code": "until_past"},
        auditor.pk,
    )
    # Refused before the search: nobody was looked up.
    assert not AuditEvent.objects.filter(action="client.searched").exists()


def test_an_until_past_2100_is_refused(auditor, held_client):
    with pytest.raises(HoldError) as refused:
        place(auditor, until=dt.date(2101, 1, 1))
    assert refused.value.code == "until_too_late"


def test_a_client_not_found_is_refused_and_the_search_recorded(auditor, held_client):
    with pytest.raises(HoldError) as refused:
        place(auditor, bsn=valid_bsn())
    assert refused.value.code == "not_found"
    assert refused.value.messages == [
        "Er is geen klant met dit BSN. Controleer het nummer."
    ]
    assert not LegalHold.objects.exists()
    searched = last("client.searched")
    assert (searched.data, searched.client_ref, searched.result) == (
        {"found": False},
        "",
        "success",
    )
    event = last("privacy.hold_placed")
    assert (event.result, event.data, event.client_ref) == (
        "failed",
        {"code": "not_found"},
        "",
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"reason": "  "}, "reason_missing"),
        ({"case_reference": ""}, "case_missing"),
        ({"reason": "Klant 999990019 belde."}, "bsn_in_text"),
        ({"case_reference": "999 990 019"}, "bsn_in_text"),
    ],
)
def test_free_text_without_content_or_with_a_bsn_is_refused(
    auditor, held_client, fields, code
):
    with pytest.raises(HoldError) as refused:
        place(auditor, **fields)
    assert refused.value.code == code
    assert not LegalHold.objects.exists()
    assert last("privacy.hold_placed").data == {"code": code}
    assert "999990019" not in str(last("privacy.hold_placed").data)


@pytest.mark.parametrize("role", ["employee", "team_lead", "admin"])
def test_only_an_auditor_places_a_hold(held_client, role):
    actor = UserFactory(**({role: True} if role != "employee" else {}))
    with pytest.raises(PermissionDenied):
        place(actor)
    assert not LegalHold.objects.exists()
    event = last("privacy.hold_placed")
    assert (event.result, event.actor_id, event.data) == ("denied", actor.pk, {})
    assert not AuditEvent.objects.filter(action="client.searched").exists()


def test_lifting_takes_two_auditors(auditor, second_auditor, held_client):
    hold = place(auditor)
    asked_at = timezone.now()
    hold_lift_request(actor=auditor, hold=hold, reason="Zaak afgesloten.", at=asked_at)
    hold.refresh_from_db()
    assert (hold.lift_requested_by, hold.lift_requested_at) == (auditor, asked_at)
    assert hold.lift_reason == "Zaak afgesloten."
    assert hold_standing(hold, today())  # it stands until someone else agrees
    assert hold_status(hold, today()) == HoldStatus.LIFT_REQUESTED
    requested = last("privacy.hold_lift_requested")
    assert (requested.actor_id, requested.object_id, requested.data) == (
        auditor.pk,
        str(hold.pk),
        {},
    )
    assert requested.client_ref == held_client.client_ref
    assert not may_agree_to_lift(auditor, hold, today())
    assert may_agree_to_lift(second_auditor, hold, today())

    lifted_at = timezone.now()
    hold_lift_agree(actor=second_auditor, hold=hold, at=lifted_at)
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lifted_at) == (second_auditor, lifted_at)
    assert not hold_standing(hold, today())
    assert hold_status(hold, today()) == HoldStatus.LIFTED
    lifted = last("privacy.hold_lifted")
    assert (lifted.actor_id, lifted.result, lifted.object_id) == (
        second_auditor.pk,
        "success",
        str(hold.pk),
    )
    assert lifted.data == {"requested_by": auditor.pk}
    assert lifted.client_ref == held_client.client_ref


def test_the_auditor_who_asked_cannot_agree(auditor, held_client):
    hold = place(auditor)
    hold_lift_request(actor=auditor, hold=hold, reason="Klaar.", at=timezone.now())
    with pytest.raises(FourEyesError) as refused:
        hold_lift_agree(actor=auditor, hold=hold, at=timezone.now())
    assert refused.value.code == "four_eyes"
    assert "andere auditor" in refused.value.messages[0]
    hold.refresh_from_db()
    assert hold.lifted_at is None
    event = last("privacy.hold_lifted")
    assert (event.result, event.data, event.actor_id) == (
        "denied",
        {"code": "four_eyes"},
        auditor.pk,
    )
    assert event.client_ref == held_client.client_ref


def test_the_database_refuses_a_hold_lifted_by_who_asked(auditor, held_client):
    hold = place(auditor)
    hold_lift_request(actor=auditor, hold=hold, reason="Klaar.", at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalHold.objects.filter(pk=hold.pk).update(
            lifted_by=auditor, lifted_at=timezone.now()
        )


def test_agreeing_without_a_request_is_refused(auditor, second_auditor, held_client):
    hold = place(auditor)
    with pytest.raises(HoldError) as refused:
        hold_lift_agree(actor=second_auditor, hold=hold, at=timezone.now())
    assert refused.value.code == "not_requested"
    assert last("privacy.hold_lifted").data == {"code": "not_requested"}
    assert last("privacy.hold_lifted").result == "failed"


def test_a_second_request_is_refused(auditor, second_auditor, held_client):
    hold = place(auditor)
    hold = hold_lift_request(
        actor=auditor, hold=hold, reason="Klaar.", at=timezone.now()
    )
    assert not may_request_lift(second_auditor, hold, today())
    with pytest.raises(HoldError) as refused:
        hold_lift_request(
            actor=second_auditor, hold=hold, reason="Ook klaar.", at=timezone.now()
        )
    assert refused.value.code == "already_requested"
    hold.refresh_from_db()
    assert (hold.lift_requested_by, hold.lift_reason) == (auditor, "Klaar.")
    assert last("privacy.hold_lift_requested").data == {"code": "already_requested"}


def test_a_request_without_a_reason_is_refused(auditor, held_client):
    hold = place(auditor)
    with pytest.raises(HoldError) as refused:
        hold_lift_request(actor=auditor, hold=hold, reason=" ", at=timezone.now())
    assert refused.value.code == "reason_missing"
    hold.refresh_from_db()
    assert hold.lift_requested_at is None


def test_an_ended_or_lifted_hold_cannot_be_lifted(auditor, second_auditor, held_client):
    ended = place(auditor, until=today())
    later = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(HoldError) as refused:
        hold_lift_request(actor=auditor, hold=ended, reason="Klaar.", at=later)
    assert refused.value.code == "not_standing"

    lifted = place(auditor)
    hold_lift_request(actor=auditor, hold=lifted, reason="Klaar.", at=timezone.now())
    hold_lift_agree(actor=second_auditor, hold=lifted, at=timezone.now())
    third = UserFactory(auditor=True)
    with pytest.raises(HoldError) as refused:
        hold_lift_agree(actor=third, hold=lifted, at=timezone.now())
    assert refused.value.code == "not_standing"
    assert last("privacy.hold_lifted").data == {"code": "not_standing"}


@pytest.mark.parametrize("role", ["team_lead", "admin"])
def test_only_auditors_ask_or_agree(auditor, held_client, role):
    hold = place(auditor)
    other = UserFactory(**{role: True})
    with pytest.raises(PermissionDenied):
        hold_lift_request(actor=other, hold=hold, reason="Klaar.", at=timezone.now())
    hold_lift_request(actor=auditor, hold=hold, reason="Klaar.", at=timezone.now())
    with pytest.raises(PermissionDenied):
        hold_lift_agree(actor=other, hold=hold, at=timezone.now())
    hold.refresh_from_db()
    assert hold.lifted_at is None
    for action in ("privacy.hold_lift_requested", "privacy.hold_lifted"):
        refused = AuditEvent.objects.filter(action=action, actor_id=other.pk).get()
        assert (refused.result, refused.object_id) == ("denied", str(hold.pk))


def test_the_list_shows_standing_holds_first_and_records_each(
    auditor, second_auditor, held_client, django_assert_num_queries
):
    lifted = place(auditor)
    hold_lift_request(actor=auditor, hold=lifted, reason="Klaar.", at=timezone.now())
    hold_lift_agree(actor=second_auditor, hold=lifted, at=timezone.now())
    ended = place(auditor, until=today())
    LegalHold.objects.filter(pk=ended.pk).update(until=today() - dt.timedelta(days=1))
    standing = place(auditor, bsn=ClientFactory(bsn=valid_bsn()).bsn)
    older_standing = place(auditor)
    LegalHold.objects.filter(pk=older_standing.pk).update(
        placed_at=timezone.now() - dt.timedelta(days=3)
    )

    with django_assert_num_queries(1):
        holds = list(hold_list_for(user=auditor, today=today()))
    assert [hold.pk for hold in holds[:2]] == [standing.pk, older_standing.pk]
    assert {hold.pk for hold in holds[2:]} == {lifted.pk, ended.pk}
    with django_assert_num_queries(1):
        holds_view_record(
            actor=auditor, holds=holds, page="privacy:holds", today=today()
        )
    viewed = AuditEvent.objects.filter(action="privacy.hold_viewed").order_by("id")
    assert [(e.object_id, e.data["status"]) for e in viewed] == [
        (str(standing.pk), "standing"),
        (str(older_standing.pk), "standing"),
        *[(str(h.pk), hold_status(h, today()).value) for h in holds[2:]],
    ]
    assert {e.data["page"] for e in viewed} == {"privacy:holds"}


def test_nobody_but_an_auditor_sees_a_hold(auditor, held_client, admin_user):
    place(auditor)
    assert not hold_list_for(user=admin_user, today=today()).exists()
    with pytest.raises(PermissionDenied):
        holds_view_record(
            actor=admin_user, holds=[], page="privacy:holds", today=today()
        )
    assert last("privacy.hold_viewed").result == "denied"


@pytest.mark.parametrize(
    ("days", "shown"),
    [
        (730, "730 dagen (2 jaar)"),
        (1826, "1826 dagen (5 jaar)"),
        (365, "365 dagen (1 jaar)"),
        (90, "90 dagen (3 maanden)"),
        (7, "7 dagen (1 week)"),
        (1, "1 dag"),
        (45, "45 dagen"),
    ],
)
def test_a_period_is_said_in_days_and_a_rounder_unit(days, shown):
    assert period_shown(days) == shown
