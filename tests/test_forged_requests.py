"""Requests no browser sends, as a hostile client could: no 500, nothing stored."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cookie", ['"\\000abcdefghijkl"', "a" * 31 + "\x01", "../../x"]
)
def test_a_forged_session_cookie_is_no_session(client, cookie):
    # Django reads a quoted cookie's octal escapes: "\000" arrives as a NUL.
    response = client.get(reverse("accounts:login"), HTTP_COOKIE=f"sessionid={cookie}")
    assert response.status_code == 200
    assert "Inloggen" in response.text


def test_a_forged_session_cookie_on_a_page_asks_to_log_in(client):
    response = client.get(
        reverse("conversations:list"), HTTP_COOKIE='sessionid="\\000abcdefghijkl"'
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_nul_in_a_query_string_is_a_dutch_400(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/beheer/accounts/team/", {"division__exact": "a\x00b"})
    assert response.status_code == 400
    assert 'lang="nl"' in response.text


@pytest.mark.parametrize("year", ["9999", "9" * 30, "-1", "0"])
def test_an_admin_date_filter_out_of_range_is_refused_not_a_500(
    client, admin_user, year
):
    client.force_login(admin_user)
    url = reverse("admin:conversations_conversation_changelist")
    response = client.get(url, {"scheduled_at__year": year})
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")
