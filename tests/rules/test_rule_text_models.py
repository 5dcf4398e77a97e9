"""A published rule text is never changed: PostgreSQL itself refuses it."""

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from rules.engine import Rule
from rules.models import RuleText
from tests.database_logins import OWNER, SUPERUSER, connected_as

REFUSED = "a published rule text is never changed or removed"
# The app's role may not even try (uwvrec.db.grants); other roles meet the trigger.
APP_REFUSED = rf"permission denied for table rules_ruletext|{REFUSED}"
DUTCH_TITLE = "Spelregels voor het opnemen van een gesprek met UWV"
CHANGES = [
    "UPDATE rules_ruletext SET title = 'Andere titel'",
    "UPDATE rules_ruletext SET published_by_id = NULL",
    "DELETE FROM rules_ruletext",
    # CASCADE: tables that refer to the texts must not stop it before the guard does.
    "TRUNCATE rules_ruletext CASCADE",
]
ROWS = "SELECT id, title, body, published_at FROM rules_ruletext ORDER BY id"


def shipped(language: str = "nl", audience: str = "handout") -> RuleText:
    return RuleText.objects.get(
        policy_version="2017-01", language=language, audience=audience, text_version=1
    )


@pytest.mark.django_db
def test_the_app_cannot_save_a_changed_text():
    text = shipped()
    text.title = "Andere titel"
    with pytest.raises(DatabaseError, match=APP_REFUSED), transaction.atomic():
        text.save()
    assert shipped().title == DUTCH_TITLE


@pytest.mark.django_db
def test_the_app_cannot_update_texts_in_bulk():
    with pytest.raises(DatabaseError, match=APP_REFUSED), transaction.atomic():
        RuleText.objects.filter(language="nl").update(body="Alles mag.")
    assert shipped().body.startswith("U mag een geluidsopname maken")


@pytest.mark.django_db
def test_the_app_cannot_delete_texts():
    count = RuleText.objects.count()
    text = shipped()
    with pytest.raises(DatabaseError, match=APP_REFUSED), transaction.atomic():
        text.delete()
    with pytest.raises(DatabaseError, match=APP_REFUSED), transaction.atomic():
        RuleText.objects.all().delete()
    assert RuleText.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize("sql", CHANGES)
def test_the_app_cannot_change_texts_with_raw_sql(sql):
    before = RuleText.objects.count()
    refused = pytest.raises(DatabaseError, match=APP_REFUSED)
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert shipped().title == DUTCH_TITLE
    assert RuleText.objects.count() == before


@pytest.mark.usefixtures("django_db_setup")
@pytest.mark.parametrize("login", [OWNER, SUPERUSER])
@pytest.mark.parametrize("sql", CHANGES)
def test_the_guard_refuses_the_owner_and_a_superuser_too(login, sql):
    with connected_as(login) as db:
        before = db.execute(ROWS).fetchall()
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match=REFUSED):
            db.execute(sql)
        assert db.execute(ROWS).fetchall() == before


@pytest.mark.usefixtures("django_db_setup")
@pytest.mark.parametrize("sql", CHANGES)
def test_replica_session_replication_role_does_not_switch_the_guard_off(sql):
    with connected_as(SUPERUSER) as db:
        before = db.execute(ROWS).fetchall()
        db.execute("SET session_replication_role = replica")
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match=REFUSED):
            db.execute(sql)
        # Still a replica session: ordinary triggers sleep, the guard fired.
        assert db.execute("SHOW session_replication_role").fetchone() == ("replica",)
        assert db.execute(ROWS).fetchall() == before


@pytest.mark.django_db
def test_guard_triggers_fire_always():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger "
            "WHERE tgrelid = 'rules_ruletext'::regclass AND NOT tgisinternal "
            "ORDER BY tgname"
        )
        triggers = cursor.fetchall()
    assert triggers == [
        ("rules_ruletext_no_truncate", "A"),
        ("rules_ruletext_no_update_or_delete", "A"),
    ]


@pytest.mark.django_db
def test_one_text_per_version_language_and_audience():
    copy = shipped()
    copy.pk = None
    duplicate = "rules_ruletext_one_text_per_version"
    with pytest.raises(IntegrityError, match=duplicate), transaction.atomic():
        copy.save(force_insert=True)


@pytest.mark.django_db
def test_unknown_policy_version_is_refused():
    text = RuleText(
        policy_version="2016-01",
        text_version=1,
        language="nl",
        audience="handout",
        title="Titel",
        body="Tekst.",
    )
    with pytest.raises(ValidationError) as caught:
        text.full_clean()
    assert caught.value.message_dict == {
        "policy_version": ["Beleidsversie 2016-01 bestaat niet. Kies uit: 2017-01."]
    }


@pytest.mark.django_db
def test_passage_gives_the_words_that_explain_a_rule():
    text = shipped()
    assert text.passage(Rule.R8) == (
        "Als u zich eerder niet aan deze spelregels heeft gehouden."
    )
    assert text.passage(Rule.R7) == (
        "Als er sprake is van een verhoor door een opsporingsambtenaar."
    )
    assert str(text) == f"{DUTCH_TITLE} (beleid 2017-01, Nederlands, versie 1)"
