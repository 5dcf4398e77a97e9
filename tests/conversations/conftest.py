"""Fixtures for clients, conversations and the checklist."""

import pytest

from tests.factories import ConversationFactory


@pytest.fixture
def conversation(employee):
    return ConversationFactory(employee=employee)


@pytest.fixture
def phone_call(employee):
    return ConversationFactory(employee=employee, channel="phone", place="")
