import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from rules.models import RuleText
from rules.selectors import rule_text_current
from rules.services import rule_text_publish
from tests.factories import UserFactory

NEW_BODY = "Nieuwe spelregels.\n\n- Alleen geluid. [R1]"


def publish(actor, **overrides):
    fields = {
        "policy_version": "2017-01",
        "language": "nl",
        "audience": "handout",
        "title": "Spelregels, herzien",
        "body": NEW_BODY,
    }
    return rule_text_publish(actor=actor, **(fields | overrides))


@pytest.mark.django_db
def test_admin_publishes_the_next_version_and_leaves_the_old_one(admin_user):
    before = timezone.now()
    text = publish(admin_user)

    text.refresh_from_db()
    assert text.policy_version == "2017-01"
    assert (text.language, text.audience) == ("nl", "handout")
    assert text.text_version == 2
    assert text.title == "Spelregels, herzien"
    assert text.body == NEW_BODY
    assert text.published_by == admin_user
    assert before <= text.published_at <= timezone.now()
    current = rule_text_current(
        policy_version="2017-01", language="nl", audience="handout"
    )
    assert current == text
    first = RuleText.objects.get(language="nl", audience="handout", text_version=1)
    assert first.title == "Spelregels voor het opnemen van een gesprek met UWV"
    event = AuditEvent.objects.get(
        action="rules.text_published", actor_id=admin_user.pk
    )
    assert (event.object_type, event.object_id, event.result) == (
        "rules.ruletext",
        str(text.pk),
        "success",
    )
    assert event.data == {"policy_version": "2017-01", "language": "nl",
                          "audience": "handout", "text_version": 2}  # fmt: skip


@pytest.mark.django_db
def test_versions_are_counted_per_language_and_audience(admin_user):
    assert publish(admin_user).text_version == 2
    assert publish(admin_user).text_version == 3
    assert publish(admin_user, language="en").text_version == 2
    assert publish(admin_user, audience="phone_script").text_version == 2


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["employee", "team_lead", "auditor"])
def test_only_admins_may_publish(request, persona):
    with pytest.raises(PermissionDenied) as refused:
        publish(request.getfixturevalue(persona))
    assert str(refused.value) == (
        "Alleen een functioneel beheerder mag spelregelteksten publiceren."
    )
    assert RuleText.objects.count() == 4
    refusal = AuditEvent.objects.get(action="rules.text_published")
    assert (refusal.result, refusal.actor_role) == ("denied", persona)


@pytest.mark.django_db
def test_staff_flag_without_the_admin_role_may_not_publish():
    with pytest.raises(PermissionDenied):
        publish(UserFactory(is_staff=True))


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["", "  \r\n\n  "])
def test_a_blank_text_is_refused_in_dutch(admin_user, body):
    with pytest.raises(ValidationError) as refused:
        publish(admin_user, body=body)
    assert AuditEvent.objects.get(action="rules.text_published").result == "failed"
    assert refused.value.message_dict == {
        "body": ["Vul de tekst in. Een lege tekst kan niet worden gepubliceerd."]
    }
    assert RuleText.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"policy_version": "2030-01"},
            {
                "policy_version": [
                    "Beleidsversie 2030-01 bestaat niet. Kies uit: 2017-01."
                ]
            },
        ),
        (
            {"body": "Tekst [R12]"},
            {"body": ["Regel 1: R12 is geen bekende regelcode (R1 tot en met R9)."]},
        ),
        ({"language": "de"}, {"language": ["Waarde 'de' is geen geldige keuze."]}),
    ],
)
def test_a_text_that_cannot_be_read_is_refused(admin_user, fields, errors):
    with pytest.raises(ValidationError) as refused:
        publish(admin_user, **fields)
    assert refused.value.message_dict == errors


@pytest.mark.django_db
def test_windows_line_ends_and_trailing_spaces_are_not_stored(admin_user):
    text = publish(admin_user, body="  Eerste alinea.  \r\n\r\n- Punt [R1] \r\n\r\n")
    assert text.body == "Eerste alinea.\n\n- Punt [R1]"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("published_texts_removed_afterwards")
def test_simultaneous_publishers_get_distinct_versions():
    admin = UserFactory(admin=True)
    start = threading.Barrier(4)

    def publish_in_own_connection(number: int) -> int:
        try:
            start.wait()
            return publish(admin, title=f"Versie van publicist {number}").text_version
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        versions = list(pool.map(publish_in_own_connection, range(4)))

    assert sorted(versions) == [2, 3, 4, 5]
    stored = RuleText.objects.filter(language="nl", audience="handout")
    assert sorted(stored.values_list("text_version", flat=True)) == [1, 2, 3, 4, 5]
    assert set(stored.values_list("published_by", flat=True)) == {None, admin.pk}
