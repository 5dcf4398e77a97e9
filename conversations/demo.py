"""A realistic day for the demo employee's team, for ``make run``; never production.

Made through the services, so the demo's decisions and audit trail are real ones.
Running it again on the same day changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from conversations.checklist import Step, StepRef
from conversations.models import Conversation
from conversations.selectors import plan_of, rule_text_for
from conversations.services import (
    checklist_answer,
    client_find_or_register,
    conversation_conclude,
    conversation_register,
    decision_record,
    participant_add,
)

# Numbers of the reserved test range that pass the eleven-test; not real people.
DEMO_CLIENTS = {
    "999990019": "Fatima Yilmaz",
    "999990020": "Johan de Boer",
    "999990032": "Priya Ramdin",
    "999990044": "Wim Hendriks",
    "999990056": "Lotte van Dam",
    "999990068": "Mohamed Bouali",
    "999990081": "Emma Visser",
    "999990093": "Kees Mulder",
    "999990111": "Sara Koster",
}


@dataclass(frozen=True)
class DemoAppointment:
    bsn: str
    day: int  # 0: today, 1: tomorrow
    time: str
    channel: str
    kind: str
    place: str = ""
    participants: tuple[tuple[str, str], ...] = ()
    walk: str = ""  # how far the checklist got: "", "started", "decided", "held"


OFFICE = "Amsterdam Sloterdijk, spreekkamer 2.14"
DEMO_DAY = (
    DemoAppointment(
        "999990020",
        0,
        "09:00",
        "face_to_face",
        "regular",
        OFFICE,
        (("Anja de Boer", "third_person"),),
        "held",
    ),
    DemoAppointment("999990019", 0, "10:00", "phone", "regular", walk="decided"),
    DemoAppointment(
        "999990032",
        0,
        "11:00",
        "face_to_face",
        "mediation",
        OFFICE,
        (("Mr. H. Smit", "mediator"), ("Bouwbedrijf Ooster BV", "other_party")),
    ),
    DemoAppointment(
        "999990044",
        0,
        "13:30",
        "face_to_face",
        "investigation_interview",
        "Amsterdam Sloterdijk, verhoorkamer",
    ),
    DemoAppointment("999990056", 0, "14:30", "phone", "regular", walk="started"),
    DemoAppointment(
        "999990068",
        0,
        "15:30",
        "face_to_face",
        "regular",
        OFFICE,
        (("Yusuf Demir", "interpreter"),),
    ),
    DemoAppointment("999990081", 1, "09:30", "phone", "regular"),
    DemoAppointment(
        "999990093",
        1,
        "11:00",
        "face_to_face",
        "regular",
        OFFICE,
        (("Dr. P. Jansen (verzekeringsarts)", "uwv_colleague"),),
    ),
)
OTHER_TEAM_DAY = (DemoAppointment("999990111", 0, "10:30", "phone", "regular"),)


def conversations_demo_load() -> int:
    """Plan today's demo conversations unless there already are; return how many."""
    made = _load_day(User.objects.get(username="medewerker"), DEMO_DAY)
    return made + _load_day(User.objects.get(username="medewerker2"), OTHER_TEAM_DAY)


def _load_day(employee: User, appointments: tuple[DemoAppointment, ...]) -> int:
    today = timezone.localdate()
    if employee.team_id is None:
        raise ValueError(f"demo user {employee.username} has no team")
    if Conversation.objects.filter(
        team_id=employee.team_id, scheduled_at__date=today
    ).exists():
        return 0
    for appointment in appointments:
        _appointment_make(employee, appointment, today)
    return len(appointments)


def _appointment_make(
    employee: User, demo: DemoAppointment, today: datetime.date
) -> Conversation:
    client = client_find_or_register(
        actor=employee, bsn=demo.bsn, display_name=DEMO_CLIENTS[demo.bsn]
    )
    moment = datetime.datetime.combine(
        today + datetime.timedelta(days=demo.day),
        datetime.time.fromisoformat(demo.time),
    )
    conversation = conversation_register(
        actor=employee,
        client=client,
        channel=demo.channel,
        kind=demo.kind,
        scheduled_at=timezone.make_aware(moment),
        place=demo.place,
    )
    at = timezone.now()
    for name, role in demo.participants:
        participant_add(
            actor=employee, conversation=conversation, name=name, role=role, at=at
        )
    if demo.walk:
        _walk(employee, conversation, demo.walk, at)
    return conversation


def _answer(
    employee: User,
    conversation: Conversation,
    ref: StepRef,
    at: datetime.datetime,
    **answer: object,
) -> Conversation:
    return checklist_answer(
        actor=employee, conversation=conversation, ref=ref, answer=answer, at=at
    )


def _walk(
    employee: User, conversation: Conversation, walk: str, at: datetime.datetime
) -> None:
    """Answer as far as ``walk`` says: everyone consents; UWV does not record."""
    conversation = _answer(
        employee, conversation, StepRef(Step.KIND), at, kind=conversation.kind
    )
    wish = "audio" if walk == "held" else "no"
    conversation = _answer(employee, conversation, StepRef(Step.WISH), at, wish=wish)
    if walk == "started":
        return
    while (ref := plan_of(conversation).next).step is not Step.OUTCOME:
        conversation = _answer(
            employee, conversation, ref, at, **_demo_answer(conversation, ref)
        )
    decision_record(
        actor=employee,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    if walk == "held":
        conversation.refresh_from_db()
        conversation_conclude(
            actor=employee,
            conversation=conversation,
            client_recorded=True,
            uwv_recorded=False,
        )


def _demo_answer(conversation: Conversation, ref: StepRef) -> Mapping[str, object]:
    if ref.step is Step.INFORM:
        return {
            "told": True,
            "rule_text": rule_text_for(conversation=conversation, language="nl"),
        }
    return {
        Step.PARTICIPANTS: {},
        Step.ACCEPTS: {"accepts": True},
        Step.CONSENT: {"consents": True},
        Step.UWV: {"uwv_records": False},
    }[ref.step]
