import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import Team, User
from accounts.roles import Role


def test_demo_data_gives_one_login_per_role(db, capsys):
    call_command("load_demo_data")
    out = capsys.readouterr().out
    assert {User.objects.get(username=u.username).roles for u in DEMO_USERS} == {
        frozenset({role}) for role in Role
    }
    for demo in DEMO_USERS:
        assert User.objects.get(username=demo.username).check_password(DEMO_PASSWORD)
        assert f"{demo.username} / {DEMO_PASSWORD}" in out


def test_loading_demo_data_twice_duplicates_nothing(db):
    call_command("load_demo_data")
    users, teams = User.objects.count(), Team.objects.count()
    call_command("load_demo_data")
    assert (User.objects.count(), Team.objects.count()) == (users, teams)
    assert users == len(DEMO_USERS)


def test_reloading_keeps_a_changed_password(db):
    call_command("load_demo_data")
    user = User.objects.get(username="medewerker")
    user.set_password("een-ander-wachtwoord")
    user.save()
    call_command("load_demo_data")
    user.refresh_from_db()
    assert user.check_password("een-ander-wachtwoord")


def test_demo_data_is_refused_under_production_settings(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refused under production settings"):
        call_command("load_demo_data")
    assert not User.objects.exists()
