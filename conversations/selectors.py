"""Reads for the conversations pages, always scoped to what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from conversations.access import conversations_visible_to
from conversations.checklist import Answers, Plan, Wish, plan
from conversations.models import Client, Conversation, Decision
from conversations.schedule import policy_in_force
from rules.engine import Channel, Kind, ParticipantFacts, ParticipantRole, policy_for
from rules.models import RuleText
from rules.selectors import rule_text_current

LIST_LIMIT = 200


def conversation_list_for(*, user: User) -> QuerySet[Conversation]:
    """Return the conversations of the user's team; none without a team or right."""
    return conversations_visible_to(user).select_related("client")


def conversation_for(*, user: User, pk: int) -> Conversation:
    """Return one conversation of the user's team, or raise Http404.

    With what every checklist page shows: the client (its flag is a column of
    its own), the rule text told, and the people taking part
    (``with_checklist_facts``): two queries.
    """
    return get_object_or_404(
        with_checklist_facts(
            conversation_list_for(user=user).select_related("informed_text")
        ),
        pk=pk,
    )


def with_checklist_facts(
    conversations: QuerySet[Conversation],
) -> QuerySet[Conversation]:
    """Fetch with each conversation its client and the people taking part.

    Then neither ``conversation.participants.all()`` nor
    ``client_has_prior_violation`` asks the database again.
    """
    return conversations.select_related("client").prefetch_related("participants")


def _start_of_day(at: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)


def conversations_coming_for(
    *, user: User, at: datetime.datetime
) -> QuerySet[Conversation]:
    """Return today's and later conversations of the team, the user's own first."""
    start_of_today = _start_of_day(at)
    own = Case(
        When(employee_id=user.pk, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        conversation_list_for(user=user)
        .select_related("employee")
        .filter(scheduled_at__gte=start_of_today)
        .exclude(status=Conversation.Status.CANCELLED)
        .annotate(own=own)
        .order_by("own", "scheduled_at", "id")[:LIST_LIMIT]
    )


def conversations_past_for(
    *, user: User, at: datetime.datetime
) -> QuerySet[Conversation]:
    """Return the team's conversations before today, newest first (cancelled too).

    Scoped as the list of today and later (``conversation_list_for``), so that a
    conversation that left that list stays findable by the same people.
    """
    return (
        conversation_list_for(user=user)
        .select_related("employee")
        .filter(scheduled_at__lt=_start_of_day(at))
        .order_by("-scheduled_at", "-id")
    )


def decisions_of(*, conversation: Conversation) -> list[Decision]:
    """Return the conversation's decisions, newest first (also superseded ones)."""
    return list(
        Decision.objects.filter(conversation=conversation)
        .select_related("decided_by", "rule_text")
        .order_by("-sequence")
    )


def client_has_prior_violation(client: Client) -> bool:
    """Tell whether the client broke the recording rules before (R8).

    The one place the checklist gathers this fact: the flag stored on the client
    (``Client.flag``), which the violation services keep.
    """
    return client.flag is not None


def conversation_date(moment: datetime.datetime) -> datetime.date:
    """Return the date of ``moment`` in Amsterdam, the date its policy goes by.

    A moment near the ends of the calendar (year 1, year 9999) cannot be moved
    into another time zone; its own date is then as good: it is far out of range.
    """
    try:
        return timezone.localdate(moment)
    except OverflowError:
        return moment.date()


def conversation_has_policy(conversation: Conversation) -> bool:
    """Tell whether a recording policy is in force on the conversation's date.

    Not for a conversation planned before the first policy took effect (stored
    before dates were checked): its checklist cannot decide anything.
    """
    return policy_in_force(conversation_date(conversation.scheduled_at))


def answers_of(conversation: Conversation) -> Answers:
    """Return the checklist answers given for ``conversation``, for the planner."""
    return Answers(
        date=timezone.localdate(conversation.scheduled_at),
        channel=Channel(conversation.channel),
        kind=Kind(conversation.kind),
        kind_confirmed=conversation.kind_confirmed,
        wish=Wish(conversation.wish) if conversation.wish else None,
        participants=tuple(
            ParticipantFacts(
                id=str(p.pk), role=ParticipantRole(p.role), consents=p.consents
            )
            for p in conversation.participants.all()
        ),
        participants_confirmed=conversation.participants_confirmed,
        client_informed=conversation.client_informed,
        client_accepts_rules=conversation.client_accepts_rules,
        client_has_prior_violation=client_has_prior_violation(conversation.client),
        uwv_records=conversation.uwv_records,
        uwv_reason=conversation.uwv_reason,
        participants_told_uwv_records=conversation.participants_told_uwv_records,
    )


def plan_of(conversation: Conversation) -> Plan:
    """Return the checklist's path and decision for the answers given so far."""
    return plan(answers_of(conversation))


def rule_text_for(*, conversation: Conversation, language: str) -> RuleText:
    """Return the rule text to tell: the handout, or on the phone the script.

    The newest text of the policy version in force on the conversation's date.
    Raises RuleText.DoesNotExist when there is none in that language.
    """
    audience = (
        RuleText.Audience.PHONE_SCRIPT
        if conversation.channel == Channel.PHONE
        else RuleText.Audience.HANDOUT
    )
    version = policy_for(timezone.localdate(conversation.scheduled_at)).version
    return rule_text_current(
        policy_version=version, language=language, audience=audience
    )
