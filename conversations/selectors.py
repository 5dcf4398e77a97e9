"""Reads for the conversations pages, always scoped to what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, JSONField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from conversations.access import conversations_visible_to
from conversations.checklist import Answers, Plan, Wish, plan
from conversations.models import Client, Conversation, Decision, Participant
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

    In one query, with what every checklist page shows: the client, the rule text
    told, the people taking part and the client's flag (``with_checklist_facts``).
    """
    return checklist_facts_kept(
        get_object_or_404(
            with_checklist_facts(
                conversation_list_for(user=user).select_related("informed_text")
            ),
            pk=pk,
        )
    )


def with_checklist_facts(
    conversations: QuerySet[Conversation],
) -> QuerySet[Conversation]:
    """Fetch with each conversation its participants and its client's flag (R8).

    Pass each conversation through ``checklist_facts_kept``: then neither
    ``conversation.participants.all()`` nor ``client_has_prior_violation`` asks the
    database again.
    """
    from violations.selectors import client_flag_column

    return conversations.select_related("client").annotate(
        people=_PEOPLE,
        flag=client_flag_column(f"{Conversation._meta.db_table}.client_id"),
    )


def checklist_facts_kept(conversation: Conversation) -> Conversation:
    """Keep what ``with_checklist_facts`` fetched where the code reads it."""
    from violations.selectors import client_flag_remember

    _remember_people(conversation, conversation.__dict__.pop("people"))
    client_flag_remember(conversation.client, conversation.__dict__.pop("flag"))
    return conversation


# The people taking part, as one column: a prefetch would be a query of its own.
_PERSON_FIELDS = [field.attname for field in Participant._meta.concrete_fields]
_PEOPLE = RawSQL(  # noqa: S611 - built from the model's own column names
    "SELECT coalesce(jsonb_agg(jsonb_build_array("  # noqa: S608
    + ", ".join(f"p.{column}" for column in _PERSON_FIELDS)
    + f") ORDER BY p.id), '[]') FROM {Participant._meta.db_table} p "
    f"WHERE p.conversation_id = {Conversation._meta.db_table}.id",
    (),
    output_field=JSONField(),
)
_PERSON_CONVERSATION = Participant._meta.get_field("conversation")
_PERSON_DATETIMES = {
    index
    for index, field in enumerate(Participant._meta.concrete_fields)
    if field.get_internal_type() == "DateTimeField"
}


def _remember_people(conversation: Conversation, rows: list[list[object]]) -> None:
    """Keep the people fetched with the conversation as its prefetched participants.

    As ``prefetch_related`` stores them, so that every ``participants.all()``
    (the planner, the pages, the templates) reads them from here.
    """
    people = [
        Participant.from_db(
            conversation._state.db,
            _PERSON_FIELDS,
            [
                datetime.datetime.fromisoformat(value)  # type: ignore[arg-type]
                if index in _PERSON_DATETIMES and value is not None
                else value
                for index, value in enumerate(row)
            ],
        )
        for row in rows
    ]
    for person in people:  # each knows its conversation, as after a prefetch
        _PERSON_CONVERSATION.set_cached_value(person, conversation)
    participants = conversation.participants.all()
    participants._result_cache = people
    participants._prefetch_done = True  # type: ignore[attr-defined]
    conversation._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "participants": participants
    }


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

    The one place this fact is gathered: a violation confirmed by a team lead and
    not withdrawn (``violations.selectors.client_flag``).
    """
    from violations.selectors import client_flag  # violations builds on this app

    return client_flag(client) is not None


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
