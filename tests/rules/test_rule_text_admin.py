import pytest
from django.urls import reverse

from rules.models import RuleText
from rules.selectors import rule_text_current
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:rules_ruletext_add")
CHANGELIST = reverse("admin:rules_ruletext_changelist")
DUTCH_TITLE = "Spelregels voor het opnemen van een gesprek met UWV"


def shipped_dutch_handout() -> RuleText:
    return RuleText.objects.get(language="nl", audience="handout", text_version=1)


def new_version(**overrides: str) -> dict[str, str]:
    return {
        "policy_version": "2017-01",
        "language": "nl",
        "audience": "handout",
        "title": "Spelregels, herzien",
        "body": "Nieuwe tekst.\r\n\r\n- Alleen geluid. [R1]\r\n",
        "_save": "Opslaan",
    } | overrides


def test_admin_lists_the_published_texts(client, admin_user):
    client.force_login(admin_user)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert DUTCH_TITLE in page.text
    assert "Rules for recording a conversation with UWV" in page.text
    assert "delete_selected" not in page.text


def test_admin_publishes_a_new_version_with_the_add_form(client, admin_user):
    client.force_login(admin_user)
    assert client.get(ADD).status_code == 200

    response = client.post(ADD, new_version())

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    text = rule_text_current(
        policy_version="2017-01", language="nl", audience="handout"
    )
    assert text.text_version == 2
    assert text.title == "Spelregels, herzien"
    assert text.body == "Nieuwe tekst.\n\n- Alleen geluid. [R1]"
    assert text.published_by == admin_user
    assert shipped_dutch_handout().title == DUTCH_TITLE


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Dit veld is verplicht."),
        ("Zin [R12]", "Regel 1: R12 is geen bekende regelcode (R1 tot en met R9)."),
    ],
)
def test_add_form_explains_what_is_wrong_with_the_text(client, admin_user, body, error):
    client.force_login(admin_user)
    before = RuleText.objects.count()
    response = client.post(ADD, new_version(body=body))
    assert response.status_code == 200
    assert error in response.text
    assert RuleText.objects.count() == before


@pytest.mark.parametrize("superuser", [False, True])
def test_nobody_can_change_a_published_text(client, admin_user, superuser):
    user = UserFactory(admin=True, is_superuser=True) if superuser else admin_user
    client.force_login(user)
    text = shipped_dutch_handout()
    url = reverse("admin:rules_ruletext_change", args=[text.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert DUTCH_TITLE in page.text
    assert 'name="_save"' not in page.text
    assert client.post(url, new_version()).status_code == 403
    assert shipped_dutch_handout().title == DUTCH_TITLE


@pytest.mark.parametrize("superuser", [False, True])
def test_nobody_can_delete_a_published_text(client, admin_user, superuser):
    user = UserFactory(admin=True, is_superuser=True) if superuser else admin_user
    client.force_login(user)
    text = shipped_dutch_handout()
    url = reverse("admin:rules_ruletext_delete", args=[text.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert RuleText.objects.filter(pk=text.pk).exists()


@pytest.mark.parametrize("persona", ["employee", "team_lead", "auditor"])
def test_other_roles_cannot_reach_the_rule_texts_in_the_admin(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (CHANGELIST, ADD):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/beheer/login/")
