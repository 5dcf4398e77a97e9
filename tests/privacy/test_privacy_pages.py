"""The privacy pages as the personas: the schedule, the holds, placing and lifting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.catalogue import Action
from audit.models import AuditEvent
from audit.payloads import RETENTION_APPLIED
from audit.services.record import audit_record
from privacy.models import LegalHold
from privacy.services.holds import hold_lift_request, hold_place
from tests.factories import ClientFactory, UserFactory, valid_bsn

pytestmark = pytest.mark.django_db

SCHEDULE = reverse("privacy:schedule")
HOLDS = reverse("privacy:holds")
PLACE = reverse("privacy:hold_place")


@pytest.fixture
def held_client(db):
    return ClientFactory(bsn="999990019", display_name="Fatima Yilmaz")


def placed(auditor, client, **fields) -> LegalHold:
    return hold_place(
        actor=auditor,
        bsn=client.bsn,
        reason=fields.get("reason", "Bezwaar loopt."),
        case_reference=fields.get("case_reference", "BZW-2026-0042"),
        until=fields.get("until"),
        at=timezone.now(),
    )


def detail(hold) -> str:
    return reverse("privacy:hold_detail", args=[hold.pk])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the schedule ---


def test_the_schedule_shows_each_kind_with_its_period_and_what_is_due(client, auditor):
    client.force_login(auditor)
    response = client.get(SCHEDULE)
    assert response.status_code == 200
    page = text(response)
    for words in (
        "Gesprekken, met hun deelnemers en besluiten",
        "730 dagen (2 jaar)",
        "1826 dagen (5 jaar)",
        "90 dagen (3 maanden)",
        "7 dagen (1 week)",
        "Audittrail, per maand",
        "2557 dagen (7 jaar)",
        "30 minuten zonder verzoek",
        "(interpretatie)",
        "UWV heeft deze termijn niet vastgesteld",
        "Er is nog geen run geweest.",
    ):
        assert words in page, words
    assert len(re.findall(r'<tr data-kind="', page)) == 7
    event = AuditEvent.objects.filter(action="privacy.schedule_viewed").latest("id")
    assert (event.actor_id, event.result, event.object_type) == (
        auditor.pk,
        "success",
        "retention",
    )


def test_the_schedule_shows_the_last_run_that_removed(client, admin_user):
    audit_record(
        actor=None,
        event=RETENTION_APPLIED(
            {
                "dry_run": False,
                "removed": {"notification": 12, "conversation": 3},
                "complete": True,
            }
        ),
        object_type="retention",
    )
    audit_record(
        actor=None,
        event=RETENTION_APPLIED(
            {"dry_run": True, "removed": {"notification": 99}, "complete": True}
        ),
        object_type="retention",
    )
    client.force_login(admin_user)
    page = text(client.get(SCHEDULE))
    assert "De laatste run was op" in page
    notification = re.search(r'<tr data-kind="notification">(.*?)</tr>', page)[1]
    assert re.findall(r'<td class="text-end">(\d+)</td>', notification)[1] == "12"
    assert "99" not in notification  # a dry run removed nothing
    # An admin reads the schedule, and is not offered the holds.
    assert HOLDS not in page


@pytest.mark.parametrize("persona", ["employee", "team_lead"])
def test_the_schedule_is_refused_to_team_members_and_recorded(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(SCHEDULE).status_code == 403
    event = AuditEvent.objects.filter(action="privacy.schedule_viewed").latest("id")
    assert (event.actor_id, event.result) == (user.pk, "denied")


# --- holds ---


def test_an_auditor_places_a_hold_through_the_form(client, auditor, held_client):
    client.force_login(auditor)
    assert client.get(PLACE).status_code == 200
    until = timezone.localdate() + dt.timedelta(days=60)
    response = client.post(
        PLACE,
        {
            "bsn": "999990019",
            "case_reference": "BZW-2026-0042",
            "reason": "Bezwaar loopt.",
            "until": until.strftime("%d-%m-%Y"),
        },
    )
    hold = LegalHold.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(hold)
    assert "999990019" not in response["Location"]
    assert (hold.client, hold.until, hold.placed_by) == (held_client, until, auditor)
    page = text(client.get(detail(hold)))
    assert "De bewaarplicht voor Fatima Yilmaz (*****0019) is ingesteld." in page
    assert "999990019" not in page


def test_a_bsn_nobody_has_is_said_beside_the_field_and_not_shown_again(
    client, auditor, held_client
):
    client.force_login(auditor)
    other = valid_bsn()
    response = client.post(
        PLACE, {"bsn": other, "case_reference": "BZW-1", "reason": "Beroep."}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Er is geen klant met dit BSN." in page
    assert 'href="#id_bsn"' in page  # the error summary links to the field
    assert other not in page
    assert not LegalHold.objects.exists()


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("01-01-2020", "De datum ligt in het verleden."),
        ("31-02-2027", "Vul een geldige datum in"),
        ("01-01-2101", "tot en met 31 december 2100"),
    ],
)
def test_a_bad_until_is_refused_in_dutch(client, auditor, held_client, until, message):
    client.force_login(auditor)
    response = client.post(
        PLACE,
        {
            "bsn": "999990019",
            "case_reference": "BZW-1",
            "reason": "Beroep.",
            "until": until,
        },
    )
    assert response.status_code == 200
    assert message in text(response)
    assert not LegalHold.objects.exists()


def test_the_list_names_the_client_masked_and_records_one_event_each(
    client, auditor, held_client, django_assert_num_queries
):
    first = placed(auditor, held_client)
    second = placed(auditor, ClientFactory(display_name="Johan de Boer"))
    lifted = placed(auditor, held_client, case_reference="OUD-1")
    lifted = hold_lift_request(
        actor=auditor, hold=lifted, reason="Klaar.", at=timezone.now()
    )
    LegalHold.objects.filter(pk=lifted.pk).update(
        lifted_by=UserFactory(auditor=True), lifted_at=timezone.now()
    )
    client.force_login(auditor)
    client.get(HOLDS)  # the session's first request loads what it keeps
    # Session, user, the second factor's device, the holds with their people,
    # and the events' one INSERT: the same however many holds.
    with django_assert_num_queries(5):
        response = client.get(HOLDS)
    page = text(response)
    standing = page[page.index('id="standing"') : page.index('id="ended"')]
    assert 'Fatima Yilmaz</a> (<span class="font-monospace">*****0019</span>)' in (
        standing
    )
    assert "Johan de Boer" in standing
    assert "OUD-1" not in standing
    assert "OUD-1" in page[page.index('id="ended"') :]
    assert "tot opheffen" in standing
    assert "Opgeheven" in page
    viewed = AuditEvent.objects.filter(action="privacy.hold_viewed").order_by("id")
    # Two lists shown, each hold once on each.
    assert sorted(viewed.values_list("object_id", flat=True)) == sorted(
        2 * [str(h.pk) for h in (first, second, lifted)]
    )


def test_two_auditors_lift_a_hold_on_its_page(client, auditor, held_client):
    hold = placed(auditor, held_client)
    client.force_login(auditor)
    page = text(client.get(detail(hold)))
    assert "Opheffen vragen" in page
    response = client.post(
        reverse("privacy:hold_lift_request", args=[hold.pk]),
        {"lift-reason": "De zaak is afgesloten."},
    )
    assert response.status_code == 302
    page = text(client.get(detail(hold)))
    assert "Een andere auditor moet akkoord geven" in page
    assert "Akkoord: bewaarplicht opheffen" not in page

    # The one who asked tries anyway: refused, told why, recorded.
    response = client.post(reverse("privacy:hold_lift_agree", args=[hold.pk]))
    assert response.status_code == 400
    assert "U hebt zelf gevraagd deze bewaarplicht op te heffen" in text(response)
    hold.refresh_from_db()
    assert hold.lifted_at is None

    other = UserFactory(auditor=True)
    client.force_login(other)
    assert "Akkoord: bewaarplicht opheffen" in text(client.get(detail(hold)))
    response = client.post(reverse("privacy:hold_lift_agree", args=[hold.pk]))
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == other
    page = text(client.get(detail(hold)))
    assert "De bewaarplicht is opgeheven." in page
    assert "Opgeheven door" in page


def test_a_lift_request_without_a_reason_shows_the_page_again(
    client, auditor, held_client
):
    hold = placed(auditor, held_client)
    client.force_login(auditor)
    response = client.post(reverse("privacy:hold_lift_request", args=[hold.pk]))
    assert response.status_code == 400
    assert "Geef de reden om op te heffen." in text(response)


@pytest.mark.parametrize("persona", ["employee", "team_lead", "admin_user"])
def test_the_holds_are_refused_to_everyone_but_auditors(
    client, request, auditor, held_client, persona
):
    hold = placed(auditor, held_client)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for url in (HOLDS, PLACE, detail(hold)):
        assert client.get(url).status_code == 403, url
    assert client.post(PLACE, {"bsn": "999990019"}).status_code == 403
    refused = AuditEvent.objects.filter(actor_id=user.pk, result="denied")
    assert set(refused.values_list("action", flat=True)) == {
        Action.HOLD_VIEWED,
        Action.HOLD_PLACED,
    }
    assert not AuditEvent.objects.filter(
        action="client.searched", actor_id=user.pk
    ).exists()


def test_a_hold_that_is_not_there_is_a_404(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("privacy:hold_detail", args=[999999])).status_code == 404
