"""Failed logins: recorded without the typed text, and locked after too many."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.lockouts import login_ref
from audit.models import AuditEvent
from tests.factories import UserFactory

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
HOME = reverse("accounts:home")
PASSWORD = "correct-horse-battery"
LIMIT = 5  # LOGIN_FAILURE_LIMIT's default

pytestmark = pytest.mark.django_db


WRONG = "fout-wachtwoord"


def _post(client, url, username, password=WRONG, ip="10.1.1.1"):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _stored_text():
    """Every text axes keeps about attempts, in one string."""
    return " ".join(
        f"{a.username} {a.get_data} {a.post_data} {a.path_info}"
        for a in AccessAttempt.objects.all()
    )


# -- failed logins in the audit trail ------------------------------------------


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
@pytest.mark.parametrize("typed", ["111222333", "klant 123456782"])
def test_a_bsn_typed_as_username_is_refused_and_recorded_without_it(client, url, typed):
    response = _post(client, url, typed)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    (event,) = _events("auth.login_failed")
    assert event.result == "failed"
    assert event.object_id == ""
    assert event.data == {"login_ref": login_ref(typed)}
    assert event.data["login_ref"].startswith("onbekend-")
    assert typed not in str(event.data)
    assert typed not in _stored_text()
    assert AccessAttempt.objects.get().username == login_ref(typed)


def test_the_login_page_explains_a_refusal_of_a_bsn_typed_as_username(client):
    response = _post(client, LOGIN, "klant 123456782")
    assert "De gebruikersnaam of het wachtwoord klopt niet." in response.text


def test_a_failed_login_of_an_account_is_recorded_against_it(client, employee):
    _post(client, LOGIN, employee.username)

    (event,) = _events("auth.login_failed")
    assert (event.object_type, event.object_id) == ("accounts.user", str(employee.pk))
    assert event.data == {}
    assert event.actor_id is None


def test_a_password_typed_as_username_is_kept_nowhere(client, employee):
    typed = "Geheim-wachtwoord-2026"
    _post(client, LOGIN, typed, password="")
    _post(client, LOGIN, typed)
    _post(client, LOGIN, typed)

    events = _events("auth.login_failed")
    assert len(events) == 2  # an empty password never reaches authentication
    # The same text gives the same reference: repeated tries can be correlated.
    assert {e.data["login_ref"] for e in events} == {login_ref(typed)}
    assert typed not in _stored_text()
    assert typed not in str([e.data for e in events])


def test_an_attempt_keeps_no_copy_of_the_login_form_or_link(client, employee):
    for _ in range(2):
        client.post(
            f"{LOGIN}?next=/klant/111222333/",
            {
                "username": employee.username,
                "password": WRONG,
                "next": "klant 123456782",
            },
            REMOTE_ADDR="10.1.1.1",
        )

    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 2
    assert (attempt.get_data, attempt.post_data) == ("", "")
    assert "111222333" not in _stored_text()
    assert "123456782" not in _stored_text()


def test_login_refs_hold_no_digits(db):
    refs = [login_ref(str(n)) for n in range(200)]
    assert all(not any(c.isdigit() for c in ref) for ref in refs)
    assert len(set(refs)) == 200


# -- the lock -------------------------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_too_many_failures_lock_the_account_even_for_the_right_password(
    client, url, admin_user
):
    for _ in range(LIMIT - 1):
        assert _post(client, url, admin_user.username).status_code == 200

    locked = _post(client, url, admin_user.username)
    assert locked.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in locked.text
    assert "ook niet met het goede wachtwoord" in locked.text
    assert "15 minuten" in locked.text

    # From another address too: the account itself is locked.
    right = _post(client, url, admin_user.username, PASSWORD, ip="10.2.2.2")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_recorded_once_against_the_account(client, employee):
    for _ in range(LIMIT + 2):
        _post(client, LOGIN, employee.username)

    events = _events("auth.locked_out")
    assert [(e.data["scope"], e.result) for e in events] == [
        ("username", "denied"),
        ("ip", "denied"),
    ]
    by_account, by_address = events
    assert by_account.object_id == str(employee.pk)
    assert by_account.data == {"scope": "username", "failures": LIMIT}
    assert by_address.data == {
        "scope": "ip",
        "ip_address": "10.1.1.1",
        "failures": LIMIT,
    }
    assert by_address.ip == "10.1.1.1"


def test_too_many_failures_from_one_address_lock_every_account_there(client, employee):
    for n in range(LIMIT):
        _post(client, LOGIN, f"geraden{n}")

    assert _post(client, LOGIN, employee.username, PASSWORD).status_code == 429
    elsewhere = _post(client, LOGIN, employee.username, PASSWORD, ip="10.3.3.3")
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == HOME


def test_the_address_behind_trusted_proxies_is_locked(client, employee, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.9.9.9"

    def through_proxy(username, password, client_ip):
        return client.post(
            LOGIN,
            {"username": username, "password": password},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"198.51.100.1, {client_ip}",
        )

    for n in range(LIMIT):
        through_proxy(f"geraden{n}", "fout", "203.0.113.5")

    assert through_proxy(employee.username, PASSWORD, "203.0.113.5").status_code == 429
    assert through_proxy(employee.username, PASSWORD, "203.0.113.6").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.5"
    }


def test_the_lock_ends_after_the_lockout_minutes(client, employee):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    for _ in range(LIMIT):
        _post(client, LOGIN, employee.username)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        response = _post(client, LOGIN, employee.username, PASSWORD)
    assert response.status_code == 302


# -- lifting it -----------------------------------------------------------------


def _lock(client, username, ip="10.1.1.1"):
    for _ in range(LIMIT):
        _post(client, LOGIN, username, ip=ip)
    assert _post(client, LOGIN, username, PASSWORD, ip=ip).status_code == 429


def test_an_admin_lifts_a_lock_in_the_admin_site_and_it_is_audited(
    client, employee, admin_user
):
    _lock(client, employee.username)
    attempt = AccessAttempt.objects.get()

    client.force_login(admin_user)
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert employee.username in page.text
    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    client.logout()

    assert not AccessAttempt.objects.exists()
    lifted = _events("auth.lockout_lifted")
    assert [(e.data["scope"], e.actor_id) for e in lifted] == [
        ("ip", admin_user.pk),
        ("username", admin_user.pk),
    ]
    assert lifted[1].object_id == str(employee.pk)
    assert _events("admin.object_deleted")[0].object_id == str(attempt.pk)
    assert _post(client, LOGIN, employee.username, PASSWORD).status_code == 302


def test_an_admin_lifts_locks_in_bulk_and_each_is_audited(client, employee, admin_user):
    _lock(client, employee.username, ip="10.1.1.1")
    _lock(client, "klant 123456782", ip="10.4.4.4")

    client.force_login(admin_user)
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(
                AccessAttempt.objects.values_list("pk", flat=True)
            ),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    lifted = {
        (e.data["scope"], e.data.get("ip_address") or e.data.get("login_ref") or "")
        for e in _events("auth.lockout_lifted")
    }
    assert lifted == {
        ("ip", "10.1.1.1"),
        ("ip", "10.4.4.4"),
        ("username", ""),
        ("username", login_ref("klant 123456782")),
    }


@pytest.mark.parametrize("persona", ["employee", "team_lead", "auditor"])
def test_only_admins_see_or_lift_locks(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(ADMIN_LOGIN)


def test_an_operator_lifts_a_lock_by_username_and_it_is_audited(client, employee):
    _lock(client, employee.username)

    call_command("axes_reset_username", employee.username)

    # The address's count was made of that account's failures: it goes too.
    by_address, by_account = _events("auth.lockout_lifted")
    assert (by_account.origin, by_account.actor_id) == ("command", None)
    assert (by_account.object_id, by_account.data) == (
        str(employee.pk),
        {"scope": "username"},
    )
    assert by_address.data == {"scope": "ip", "ip_address": "10.1.1.1"}
    assert _post(client, LOGIN, employee.username, PASSWORD).status_code == 302


def test_lifting_one_account_leaves_a_locked_address_locked(client, employee):
    for n in range(LIMIT):
        _post(client, LOGIN, f"geraden{n}")
    _post(client, LOGIN, employee.username)

    call_command("axes_reset_username", employee.username)

    assert not _events("auth.lockout_lifted")  # the account was never locked
    assert _post(client, LOGIN, employee.username, PASSWORD).status_code == 429


def test_an_operator_lifts_a_lock_of_a_username_typed_that_names_no_account(client):
    _lock(client, "klant 123456782")

    call_command("axes_reset_username", "klant 123456782")

    assert [e.data for e in _events("auth.lockout_lifted")] == [
        {"scope": "ip", "ip_address": "10.1.1.1"},
        {"scope": "username", "login_ref": login_ref("klant 123456782")},
    ]


def test_an_operator_lifts_a_lock_by_address_and_it_is_audited(client, employee):
    _lock(client, employee.username, ip="10.6.6.6")

    call_command("axes_reset_ip", "10.6.6.6")

    assert [e.data for e in _events("auth.lockout_lifted")] == [
        {"scope": "ip", "ip_address": "10.6.6.6"},
        {"scope": "username"},
    ]
    assert (
        _post(client, LOGIN, employee.username, PASSWORD, "10.6.6.6").status_code == 302
    )


def test_an_operator_lifts_every_lock_at_once(client, employee):
    _lock(client, employee.username)
    call_command("axes_reset")
    assert len(_events("auth.lockout_lifted")) == 2
    assert not AccessAttempt.objects.exists()


def test_lifting_nothing_records_nothing(db, capsys):
    call_command("axes_reset_username", "niemand")
    assert "No attempts found." in capsys.readouterr().out
    assert not _events("auth.lockout_lifted")


def test_the_reset_command_refuses_a_bad_address_clearly(db):
    with pytest.raises(CommandError, match="not an IP address"):
        call_command("axes_reset_ip", "klant 123456782")


def test_a_successful_login_leaves_no_access_log(client, employee):
    from axes.models import AccessLog

    assert _post(client, LOGIN, employee.username, PASSWORD).status_code == 302
    assert not AccessLog.objects.exists()


def test_a_new_account_is_not_locked_by_the_failures_of_another(client):
    other = UserFactory()
    _lock(client, "someone-else", ip="10.7.7.7")
    assert _post(client, LOGIN, other.username, PASSWORD, "10.8.8.8").status_code == 302


def test_a_successful_login_starts_the_count_again(client, employee):
    for _ in range(LIMIT - 1):
        _post(client, LOGIN, employee.username)
    assert _post(client, LOGIN, employee.username, PASSWORD).status_code == 302
    client.logout()

    # "In a row": the failures before the success no longer count.
    assert _post(client, LOGIN, employee.username).status_code == 200
    assert _post(client, LOGIN, employee.username, PASSWORD).status_code == 302
