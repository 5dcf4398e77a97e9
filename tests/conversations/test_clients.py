"""BSNs: checked, encrypted at rest, found by keyed hash, never shown or logged."""

import io
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from conversations.bsn import bsn_clean, bsn_hash, bsn_masked
from conversations.errors import ClientNotFoundError
from conversations.models import Client, Conversation
from conversations.services import client_find_or_register
from tests.factories import ClientFactory, valid_bsn

pytestmark = pytest.mark.django_db


def raw_row(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bsn_encrypted, bsn_hash FROM conversations_client WHERE id = %s",
            [client.pk],
        )
        return cursor.fetchone()


def test_a_bsn_failing_the_eleven_test_is_refused_in_dutch():
    with pytest.raises(ValidationError) as refused:
        bsn_clean("123456788")
    assert refused.value.messages == [
        "Dit BSN klopt niet: het voldoet niet aan de elfproef. Controleer het nummer."
    ]


def test_a_bsn_of_the_wrong_length_is_refused_in_dutch():
    with pytest.raises(ValidationError) as refused:
        bsn_clean("12345")
    assert refused.value.messages == [
        "Een BSN bestaat uit 9 cijfers; u typte er 5. Controleer het nummer."
    ]


def test_an_eight_digit_bsn_is_told_its_length_not_the_eleven_test():
    """The help says 9 digits; an 8-digit number failed with the eleven-test."""
    with pytest.raises(ValidationError) as refused:
        bsn_clean("12345678")
    assert refused.value.messages == [
        "Een BSN bestaat uit 9 cijfers; u typte er 8. Controleer het nummer. "
        "Begint het BSN met een 0? Typ die dan ook."
    ]
    assert refused.value.error_list[0].code == "length"


def test_letters_in_a_bsn_are_refused_in_dutch():
    with pytest.raises(ValidationError) as refused:
        bsn_clean("12345678a")
    assert refused.value.messages == [
        "Een BSN bestaat uit 9 cijfers. Controleer het nummer."
    ]


def test_a_bsn_with_dots_and_spaces_is_accepted():
    assert bsn_clean(" 111.222.333 ") == "111222333"


def test_the_bsn_is_stored_encrypted_and_found_by_its_keyed_hash(employee):
    bsn = valid_bsn()
    client = client_find_or_register(actor=employee, bsn=bsn, display_name="Ans Kok")
    encrypted, keyed_hash = raw_row(client)
    assert bsn not in encrypted
    assert bsn not in keyed_hash
    assert keyed_hash == bsn_hash(bsn)
    assert Client.objects.get(pk=client.pk).bsn == bsn
    assert client_find_or_register(actor=employee, bsn=bsn) == client
    assert Client.objects.filter(display_name="Ans Kok").count() == 1


def test_an_unknown_bsn_without_a_name_asks_for_the_name(employee):
    with pytest.raises(ClientNotFoundError) as refused:
        client_find_or_register(actor=employee, bsn=valid_bsn())
    assert "Vul de naam in" in refused.value.messages[0]


def test_the_masked_bsn_shows_only_the_last_four_digits():
    assert bsn_masked("111222333") == "*****2333"


def test_rotating_keys_encrypts_every_bsn_with_the_new_key(settings):
    client = ClientFactory()
    bsn = client.bsn
    old = settings.BSN_ENCRYPTION_KEYS
    new_key = Fernet.generate_key().decode()
    with override_settings(BSN_ENCRYPTION_KEYS=[new_key, *old]):
        call_command("rotate_bsn_keys", stdout=io.StringIO())
        encrypted, _ = raw_row(client)
        assert Fernet(new_key.encode()).decrypt(encrypted.encode()).decode() == bsn
    with override_settings(BSN_ENCRYPTION_KEYS=[new_key]):
        assert Client.objects.get(pk=client.pk).bsn == bsn
    event = AuditEvent.objects.filter(action="client.keys_rotated").latest("id")
    assert event.data["count"] >= 1


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.getMessage()} {record.__dict__}")


def test_the_bsn_is_never_in_a_url_an_audit_payload_a_page_or_a_log(client, employee):
    bsn = valid_bsn()
    collect = Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        client.force_login(employee)
        data = {"bsn": bsn, "display_name": "Ans Kok", "kind": "regular"}
        response = client.post(reverse("conversations:phone_call"), data)
        pages = [client.get(response["Location"], follow=True)]
        conversation = Conversation.objects.get(client__display_name="Ans Kok")
        pages.append(
            client.get(reverse("conversations:detail", args=[conversation.pk]))
        )
        pages.append(client.get(reverse("conversations:list")))
    finally:
        root.removeHandler(collect)
        root.setLevel(level)
    assert bsn not in response["Location"]
    for page in pages:
        assert bsn not in page.content.decode()
        assert bsn[-4:] in page.content.decode() or page.request["PATH_INFO"].endswith(
            "/gesprekken/"
        )
    ref = conversation.client.client_ref
    events = AuditEvent.objects.filter(client_ref=ref)
    assert {e.action for e in events} >= {
        "client.registered",
        "conversation.registered",
        "conversation.viewed",
    }
    for event in events:
        assert bsn not in f"{event.data} {event.changes} {event.client_ref}"
    assert collect.lines, "the logs were captured"
    assert not [line for line in collect.lines if bsn in line]


def test_the_client_ref_names_the_client_without_any_digits():
    client = ClientFactory()
    assert client.client_ref.startswith("klant-")
    assert not any(char.isdigit() for char in client.client_ref)
    assert client.client_ref == ClientFactory.build(bsn=client.bsn).client_ref
