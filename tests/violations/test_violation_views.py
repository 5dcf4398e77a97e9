"""The violation pages as each persona; another team's report is a 404."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conversations.models import Client
from tests.factories import ConversationFactory, UserFactory
from tests.violations.helpers import confirmed, next_conversation, report
from violations.models import ViolationReport


def test_an_employee_reports_from_the_conversation(
    client, reporter, lead, conversation
):
    client.force_login(reporter)
    detail = client.get(reverse("conversations:detail", args=[conversation.pk]))
    url = reverse("violations:report", args=[conversation.pk])
    assert url in detail.content.decode()
    response = client.post(
        url,
        {
            "rule": "video_recorded",
            "what_happened": "Filmde met de telefoon.",
            "happened_on": (
                timezone.localdate() - datetime.timedelta(days=1)
            ).isoformat(),
            "how_established": "Zelf gezien.",
        },
    )
    assert response.status_code == 302
    made = ViolationReport.objects.get()
    assert (made.rule, made.reported_by, made.team) == (
        "video_recorded",
        reporter,
        reporter.team,
    )


def test_the_report_form_shows_errors(client, reporter, conversation):
    client.force_login(reporter)
    response = client.post(reverse("violations:report", args=[conversation.pk]), {})
    assert response.status_code == 200
    assert "Kies welke regel de klant overtrad." in response.content.decode()
    assert not ViolationReport.objects.exists()


def test_a_team_lead_decides_from_the_queue(client, reporter, lead, conversation):
    made = report(reporter, conversation)
    client.force_login(lead)
    queue = client.get(reverse("violations:queue")).content.decode()
    assert reverse("violations:detail", args=[made.pk]) in queue
    page = client.get(reverse("violations:detail", args=[made.pk])).content.decode()
    assert "Telefoon lag opnemend op tafel." in page
    assert AuditEvent.objects.filter(action="violation.viewed").exists()
    response = client.post(
        reverse("violations:decide", args=[made.pk]),
        {"decision": "confirm", "reason": "Gezien."},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "confirmed"
    flagged = client.get(reverse("violations:flagged")).content.decode()
    assert conversation.client.display_name in flagged
    assert AuditEvent.objects.filter(action="violation.flag_viewed").count() == 1


def test_the_letter_is_printed_in_dutch_and_english_and_audited(
    client, reporter, lead, conversation
):
    made = confirmed(reporter, lead, conversation, "shared_outside_home")
    client.force_login(lead)
    url = reverse("violations:letter", args=[made.pk])
    dutch = client.get(url + "?lang=nl").content.decode()
    assert "bezwaar" in dutch
    english = client.get(url + "?lang=en").content.decode()
    assert "objection" in english
    printed = AuditEvent.objects.filter(action="violation.letter_printed")
    assert [event.data["language"] for event in printed.order_by("id")] == ["nl", "en"]


def test_the_checklist_shows_the_flag_banner_and_audits_it(
    client, reporter, lead, conversation
):
    confirmed(reporter, lead, conversation)
    later = next_conversation(reporter, conversation)
    client.force_login(reporter)
    page = client.get(reverse("conversations:step", args=[later.pk, "soort"]))
    assert 'data-testid="flag-banner"' in page.content.decode()
    assert AuditEvent.objects.filter(
        action="violation.flag_viewed", client_ref=conversation.client.client_ref
    ).exists()


def test_no_banner_for_a_client_without_a_flag(client, reporter, conversation):
    client.force_login(reporter)
    page = client.get(reverse("conversations:step", args=[conversation.pk, "soort"]))
    assert "flag-banner" not in page.content.decode()


def test_the_notifications_page_marks_read(client, reporter, lead, conversation):
    report(reporter, conversation)
    client.force_login(lead)
    count = reverse("violations:notification_count")
    assert "(1 nieuw)" in client.get(count).content.decode()
    assert "Nieuw" in client.get(reverse("violations:notifications")).content.decode()
    assert "nieuw" not in client.get(count).content.decode()


def test_an_auditor_reads_but_does_not_decide(client, reporter, conversation):
    made = report(reporter, conversation)
    client.force_login(UserFactory(auditor=True))
    assert client.get(reverse("violations:detail", args=[made.pk])).status_code == 200
    response = client.post(
        reverse("violations:decide", args=[made.pk]),
        {"decision": "confirm", "reason": "x"},
    )
    assert response.status_code == 403
    made.refresh_from_db()
    assert made.status == "reported"


@pytest.mark.parametrize(
    "persona", ["employee", "other_team_lead", "admin", "anonymous"]
)
def test_others_get_a_404_on_every_report_page(
    client, persona, reporter, lead, conversation
):
    made = confirmed(reporter, lead, conversation)
    user = {
        "employee": reporter,
        "other_team_lead": UserFactory(team_lead=True),
        "admin": UserFactory(admin=True),
        "anonymous": None,
    }[persona]
    if user:
        client.force_login(user)
    for name in ("queue", "flagged"):
        response = client.get(reverse(f"violations:{name}"))
        if persona == "other_team_lead":  # their own team's lists, without this one
            assert conversation.client.display_name not in response.content.decode()
        else:
            assert response.status_code in ((404,) if user else (302,))
    for name in ("detail", "letter"):
        response = client.get(reverse(f"violations:{name}", args=[made.pk]))
        assert response.status_code in ((404,) if user else (302,))
    if persona == "other_team_lead":
        response = client.post(
            reverse("violations:withdraw", args=[made.pk]), {"withdraw-reason": "x"}
        )
        assert response.status_code == 404


def test_another_team_cannot_report_on_a_conversation(client, conversation):
    client.force_login(UserFactory())
    assert (
        client.get(reverse("violations:report", args=[conversation.pk])).status_code
        == 404
    )


# --- No writes while a page renders -----------------------------------------------


def test_rendering_the_banner_writes_nothing(rf, reporter, lead, conversation):
    confirmed(reporter, lead, conversation)
    later = next_conversation(reporter, conversation)
    request = rf.get("/")
    request.user = reporter
    before = AuditEvent.objects.count()
    shown = render_to_string(
        "conversations/_context.html",
        {"conversation": later, "flag": Client.objects.get(pk=later.client_id).flag},
        request=request,
    )
    assert 'data-testid="flag-banner"' in shown
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("conversations:detail", "get"),
        ("conversations:reschedule", "get"),
        ("conversations:reschedule", "post"),  # the form again, with its mistakes
        ("conversations:cancel", "get"),
        ("conversations:conclude", "get"),
        ("violations:report", "get"),
        ("violations:report", "post"),
    ],
)
def test_every_page_with_the_banner_audits_it_once(
    client, reporter, lead, conversation, name, method
):
    made = confirmed(reporter, lead, conversation)
    later = next_conversation(reporter, conversation)
    client.force_login(reporter)
    response = getattr(client, method)(reverse(name, args=[later.pk]), {})
    assert response.status_code == 200
    assert 'data-testid="flag-banner"' in response.content.decode()
    shown = AuditEvent.objects.filter(
        action="violation.flag_viewed", client_ref=conversation.client.client_ref
    )
    assert [event.data for event in shown] == [
        {"report": made.pk, "rule": made.rule, "page": name}
    ]


def test_a_checklist_step_audits_its_banner_once(client, reporter, lead, conversation):
    made = confirmed(reporter, lead, conversation)
    later = next_conversation(reporter, conversation)
    client.force_login(reporter)
    url = reverse("conversations:step", args=[later.pk, "soort"])
    assert 'data-testid="flag-banner"' in client.get(url).content.decode()
    assert 'data-testid="flag-banner"' in client.post(url, {}).content.decode()
    shown = AuditEvent.objects.filter(
        action="violation.flag_viewed", client_ref=conversation.client.client_ref
    )
    page = {"report": made.pk, "rule": made.rule, "page": "conversations:step"}
    assert [event.data for event in shown.order_by("id")] == [page, page]


def flagged_clients(reporter, lead, count):
    return [
        confirmed(reporter, lead, ConversationFactory(employee=reporter))
        for _ in range(count)
    ]


@pytest.mark.parametrize("volume", [1, 12])
def test_the_flagged_list_costs_the_same_queries_however_many_clients(
    client, reporter, lead, django_assert_num_queries, volume
):
    made = flagged_clients(reporter, lead, volume)
    client.force_login(lead)
    client.get(reverse("violations:flagged"))  # renews the session once
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    with django_assert_num_queries(FLAGGED_LIST_QUERIES):
        response = client.get(reverse("violations:flagged"))
    page = response.content.decode()
    assert all(report.client.display_name in page for report in made)
    shown = AuditEvent.objects.filter(action="violation.flag_viewed", id__gt=since)
    assert sorted(
        (event.object_id, event.client_ref, event.data) for event in shown
    ) == sorted(
        (
            str(report.client_id),
            report.client.client_ref,
            {"report": report.pk, "rule": report.rule, "page": "flagged_list"},
        )
        for report in made
    )


# The session; the user with their team and roles; the authenticator app that
# verified the session; the flagging reports with their clients; the record of
# showing them, one INSERT for all. (The menu's unread count comes later, fetched
# by htmx.)
FLAGGED_LIST_QUERIES = 5


def test_the_queue_costs_the_same_queries_however_many_reports(
    client, reporter, lead, django_assert_num_queries
):
    made = [report(reporter, ConversationFactory(employee=reporter))]
    client.force_login(lead)
    client.get(reverse("violations:queue"))  # renews the session once
    with django_assert_num_queries(QUEUE_QUERIES):
        client.get(reverse("violations:queue"))
    made += [
        report(reporter, ConversationFactory(employee=reporter)) for _ in range(12)
    ]
    with django_assert_num_queries(QUEUE_QUERIES):
        page = client.get(reverse("violations:queue")).content.decode()
    assert all(reverse("violations:detail", args=[r.pk]) in page for r in made)


# The session; the user with their team and roles; the authenticator app that
# verified the session; the open reports with their clients, teams and reporters.
QUEUE_QUERIES = 4
