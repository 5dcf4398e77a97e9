"""Personas and a conversation for the violation tests."""

import pytest

from tests.factories import ConversationFactory, UserFactory


@pytest.fixture
def reporter(db):
    return UserFactory(email="medewerker@uwv.example")


@pytest.fixture
def lead(reporter):
    return UserFactory(team_lead=True, team=reporter.team, email="lead@uwv.example")


@pytest.fixture
def other_lead(reporter):
    return UserFactory(team_lead=True, team=reporter.team, email="lead2@uwv.example")


@pytest.fixture
def conversation(reporter):
    return ConversationFactory(employee=reporter)
