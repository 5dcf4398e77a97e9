"""No page is kept in a browser's or a proxy's cache: every response says no-store.

The walk covers every named pattern of the URLconf (the admin site included), so
a page added later is checked without anyone remembering to add it here; a
pattern whose arguments the walk cannot fill in fails the test.
"""

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audit.models import AuditEvent
from conversations.models import Conversation
from conversations.services import decision_record
from privacy.services.erasure import erasure_request
from privacy.services.holds import hold_place
from tests.conversations.helpers import walk_to_outcome
from tests.factories import ConversationFactory
from tests.violations.helpers import confirmed

pytestmark = pytest.mark.django_db
# Refused (login, 403, 404), the team's pages, and the admin site; the pages team
# leads and auditors are shown come in SHOWN below.
WALKERS = ("anonymous", "employee", "admin_user")
# Pages full of personal data, and who opens them: each must be shown (200).
SHOWN = {
    "employee": [
        "conversations:list",
        "conversations:create",
        "conversations:phone_call",
        "conversations:detail",
        "conversations:reschedule",
        "conversations:step",
        "conversations:consent",
        "violations:report",
        "violations:notifications",
        "violations:notification_count",
    ],
    "team_lead": [
        "conversations:detail",
        "violations:queue",
        "violations:flagged",
        "violations:detail",
        "violations:letter",
        "violations:letter_pdf",
        "audit:trail",
        "audit:event",
        "privacy:erasures",
        "privacy:erasure_request",
        "privacy:erasure_detail",
    ],
    "auditor": [
        "audit:trail",
        "audit:event",
        "violations:detail",
        "privacy:schedule",
        "privacy:holds",
        "privacy:hold_place",
        "privacy:hold_detail",
        "privacy:erasures",
        "privacy:erasure_request",
        "privacy:erasure_detail",
        "privacy:access",
        "privacy:access_request",
    ],
    "admin_user": [
        "privacy:schedule",
        "admin:conversations_client_changelist",
        "admin:conversations_client_change",
        "admin:conversations_conversation_changelist",
        "admin:conversations_conversation_change",
        "admin:conversations_participant_change",
        "admin:conversations_decision_change",
    ],
}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator:
    """Yield the full name of every named pattern, and the names of its arguments."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, sorted(pattern.pattern.regex.groupindex)


@pytest.fixture
def world(employee, team_lead, auditor):
    """A conversation with a participant, a decision, a confirmed violation and a
    legal hold on its client; a request to erase another client of the team."""
    conversation = ConversationFactory(employee=employee)
    (person,) = walk_to_outcome(
        employee, conversation, participants=[("Els de Vries", "third_person")]
    )
    conversation.refresh_from_db()
    decision = decision_record(
        actor=employee,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    report = confirmed(employee, team_lead, ConversationFactory(employee=employee))
    return {
        "conversation": conversation,
        "participant": person,
        "decision": decision,
        "report": report,
        "event": AuditEvent.objects.filter(team_id=employee.team_id).latest("id"),
        "hold": hold_place(
            actor=auditor,
            bsn=conversation.client.bsn,
            reason="Bezwaar loopt.",
            case_reference="BZW-1",
            until=None,
            at=timezone.now(),
        ),
        "erasure": erasure_request(
            actor=auditor,
            bsn=ConversationFactory(employee=employee).client.bsn,
            reason="De klant vroeg om wissing.",
            at=timezone.now(),
        ),
    }


def fill(name: str, arguments: list[str], world: dict) -> dict[str, str]:
    """Return the arguments of the pattern ``name``, taken from the fixtures."""
    namespace, _, short = name.rpartition(":")
    pks = {
        "conversations": world["conversation"].pk,
        "violations": world["report"].pk,
        "audit": world["event"].pk,
        "privacy": world["hold"].pk,
        # A passkey's number: none is there, and its 404 says no-store too.
        "accounts": 1,
    }
    if short.startswith("erasure_"):
        pks["privacy"] = world["erasure"].pk
    values = {
        "pk": pks.get(namespace),
        "conversation": world["conversation"].pk,
        "participant": world["participant"].pk,
        "slug": "uitkomst",
        "language": "nl",
        "file_format": "pdf",
        "app_label": "conversations",
        "id": world["conversation"].employee_id,
        "object_id": _admin_object_id(short, world),
        "content_type_id": ContentType.objects.get_for_model(Conversation).pk,
    }
    missing = [argument for argument in arguments if values.get(argument) is None]
    assert not missing, f"{name}: no value for {missing}; add one to fill()"
    return {argument: str(values[argument]) for argument in arguments}


def _admin_object_id(short: str, world: dict) -> int | None:
    """The id of a real object of the model an admin page name is about."""
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if short.startswith(prefix):
            row = model._default_manager.order_by("pk").first()
            return row.pk if row else 1
    return world["conversation"].pk if short == "view_on_site" else None


def urls(world: dict) -> dict[str, str]:
    return {
        name: reverse(name, kwargs=fill(name, arguments, world))
        for name, arguments in url_names()
    }


def assert_not_stored(response, where: str) -> None:
    cache_control = {
        part.strip().split("=")[0] for part in response["Cache-Control"].split(",")
    }
    assert {"no-store", "private"} <= cache_control, where


@pytest.mark.parametrize("persona", WALKERS)
def test_every_page_of_the_urlconf_says_no_store(client, request, world, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for name, url in urls(world).items():
        response = client.get(url)
        assert_not_stored(response, f"{persona} GET {name} ({response.status_code})")


@pytest.mark.parametrize("persona", sorted(SHOWN))
def test_pages_with_personal_data_are_shown_and_say_no_store(
    client, request, world, persona
):
    # A participant's consent page is on the path only before the decision.
    world["conversation"] = ConversationFactory(employee=world["conversation"].employee)
    world["participant"] = walk_to_outcome(
        world["conversation"].employee,
        world["conversation"],
        participants=[("Els de Vries", "third_person")],
    )[0]
    client.force_login(request.getfixturevalue(persona))
    every = urls(world)
    for name in SHOWN[persona]:
        response = client.get(every[name])
        assert response.status_code == 200, f"{persona} GET {name}"
        assert_not_stored(response, f"{persona} GET {name}")


def test_an_htmx_fragment_says_no_store(client, employee):
    client.force_login(employee)
    response = client.get(
        reverse("violations:notification_count"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert_not_stored(response, "htmx notification count")


def test_a_form_shown_again_with_its_errors_says_no_store(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("conversations:create"),
        {"display_name": "Ans Kok", "date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert "Ans Kok" in response.text
    assert_not_stored(response, "appointment form with errors")


def test_an_export_of_the_audit_trail_says_no_store(client, auditor, world):
    client.force_login(auditor)
    response = client.post(reverse("audit:export"), {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert_not_stored(response, "audit export")
