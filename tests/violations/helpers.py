"""Reporting and deciding through the services, as the pages do."""

import datetime

from django.utils import timezone

from tests.factories import ConversationFactory
from violations.services import violation_confirm, violation_report


def report(actor, conversation, rule="recorded_secretly", **kwargs):
    return violation_report(
        actor=actor,
        conversation=conversation,
        rule=rule,
        what_happened="Telefoon lag opnemend op tafel.",
        happened_on=timezone.localdate() - datetime.timedelta(days=1),
        how_established="Zelf gezien.",
        at=timezone.now(),
        **kwargs,
    )


def confirmed(reporter, lead, conversation, rule="recorded_secretly", **kwargs):
    return violation_confirm(
        actor=lead,
        report=report(reporter, conversation, rule, **kwargs),
        reason="Vastgesteld.",
        at=timezone.now(),
    )


def next_conversation(reporter, conversation):
    return ConversationFactory(employee=reporter, client=conversation.client)
