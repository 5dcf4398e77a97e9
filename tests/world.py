"""Two teams with everything the app holds, for tests that visit every page.

The persona matrix (``tests/access/``) and the hostile-input tests build this once
per module inside a transaction that is rolled back at the end, and undo each
request in a savepoint of its own (``rolled_back``), so that no POST changes what
a later request finds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import AuthenticatorApp, RecoveryCodes, Team, User
from accounts.passkeys.models import Passkey
from accounts.roles import Role
from accounts.services.second_factor import authenticator_begin, recovery_codes_renew
from accounts.views import PENDING_APP_SESSION_KEY
from audit.models import AuditEvent, ExportJob, VerificationJob
from conversations.models import Client as ClientModel
from conversations.models import Conversation, Decision, Participant
from conversations.services import decision_record
from privacy.models import AccessExport, ErasureRequest, LegalHold
from privacy.services.erasure import erasure_request
from privacy.services.holds import hold_lift_request, hold_place
from rules.models import RuleText
from tests.conversations.helpers import add, answer, handout, walk_to_outcome
from tests.factories import ConversationFactory, UserFactory
from tests.second_factor import StaffClient, authenticator_for, passkey_for
from tests.violations.helpers import confirmed, report
from violations.models import Notification, ViolationEvent, ViolationReport

PERSONAS = (
    "anonymous",
    "employee",
    "employee_other_team",
    "team_lead",
    "team_lead_other_team",
    "auditor",
    "admin",
)
# Sessions that have not passed their second factor yet, besides the personas':
# team A's lead, who has an app, and an auditor who has none (an app is being set
# up: the QR code's page has one to show).
UNVERIFIED = ("team_lead_unverified", "auditor_without_app")


@dataclass
class TeamData:
    """One team's people and records; ``open`` waits at its third person's consent."""

    team: Team
    employee: User
    team_lead: User
    planned: Conversation  # its checklist not begun
    open: Conversation
    participant: Participant
    decided: Conversation
    decision: Decision
    ready: Conversation  # every question answered, UWV records too; not decided
    reported: ViolationReport
    confirmed: ViolationReport
    event: AuditEvent
    export_job: ExportJob
    notification: Notification


@dataclass
class World:
    """Team A (whose records the URLs name), team B, and the roles without a team."""

    a: TeamData
    b: TeamData
    auditor: User
    admin: User
    access_attempt: AccessAttempt
    verification_job: VerificationJob
    auditor_without_app: User
    # Holds on team A's client: one standing, one whose lifting another auditor
    # (the one without an app) asked, so the auditor may agree.
    hold: LegalHold
    hold_asked: LegalHold
    # The auditor asked to erase the client of team A's planned conversation: team
    # A's lead may agree or decline (team B's lead does not see it).
    erasure: ErasureRequest
    # The auditor's finished access export of team A's decided client, its files
    # on disk as the worker leaves them.
    access_export: AccessExport
    sessions: dict[str, str] = field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        return {
            "anonymous": None,
            "employee": self.a.employee,
            "employee_other_team": self.b.employee,
            "team_lead": self.a.team_lead,
            "team_lead_other_team": self.b.team_lead,
            "auditor": self.auditor,
            "admin": self.admin,
            "team_lead_unverified": self.a.team_lead,
            "auditor_without_app": self.auditor_without_app,
        }[persona]

    def client(self, persona: str) -> Client:
        """Return a new test client, logged in as ``persona`` (its own cookies)."""
        client = Client()
        if persona in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    def object_of(self, model: type[models.Model]) -> models.Model:
        """Return team A's (or the shared) record of ``model``, for the admin URLs."""
        a = self.a
        objects: dict[type[models.Model], models.Model] = {
            User: a.employee,
            Team: a.team,
            Group: Group.objects.get(name=Role.EMPLOYEE.value),
            RuleText: handout(),
            ClientModel: a.open.client,
            Conversation: a.open,
            Participant: a.participant,
            Decision: a.decision,
            ViolationReport: a.reported,
            ViolationEvent: ViolationEvent.objects.filter(report=a.reported).first(),
            Notification: a.notification,
            AuditEvent: a.event,
            ExportJob: a.export_job,
            AccessAttempt: self.access_attempt,
            AuthenticatorApp: AuthenticatorApp.objects.get(user=a.team_lead),
            RecoveryCodes: RecoveryCodes.objects.get(user=a.team_lead),
            Passkey: Passkey.objects.get(user=a.team_lead),
        }
        if model not in objects:
            raise LookupError(
                f"tests/world.py has no record of {model._meta.label}: add one to "
                "World.object_of so its admin pages are visited"
            )
        return objects[model]


def _open_conversation(employee: User) -> tuple[Conversation, Participant]:
    """Return a conversation whose checklist waits for a third person's consent."""
    conversation = ConversationFactory(employee=employee)
    answer(employee, conversation, "kind", kind="regular")
    answer(employee, conversation, "wish", wish="audio")
    person = add(employee, conversation, name="Jan Derde", role="third_person")
    answer(employee, conversation, "participants")
    answer(employee, conversation, "inform", told=True, rule_text=handout())
    answer(employee, conversation, "accepts", accepts=True)
    conversation.refresh_from_db()
    return conversation, person


def _decided_conversation(employee: User) -> tuple[Conversation, Decision]:
    conversation = ConversationFactory(employee=employee)
    walk_to_outcome(employee, conversation)
    conversation.refresh_from_db()
    decision = decision_record(
        actor=employee,
        conversation=conversation,
        answers_version=conversation.answers_version,
    )
    conversation.refresh_from_db()
    return conversation, decision


def _export_job(requested_by: User, export_dir: Path) -> ExportJob:
    """Return a finished export whose file exists, as the worker leaves it."""
    job = ExportJob.objects.create(
        requested_by=requested_by,
        file_format="csv",
        status=ExportJob.Status.DONE,
        rows_expected=0,
        rows_written=0,
        finished_at=timezone.now(),
    )
    job.file_name = f"audit-export-{job.pk}-world.csv"
    job.save(update_fields=["file_name"])
    export_dir.mkdir(parents=True, exist_ok=True)
    (export_dir / job.file_name).write_text("seq,prev_hash,hash\n", encoding="utf-8")
    return job


def _team(export_dir: Path) -> TeamData:
    employee = UserFactory(email="medewerker@uwv.example")
    lead = UserFactory(team_lead=True, team=employee.team, email="lead@uwv.example")
    planned = ConversationFactory(employee=employee)
    open_conversation, participant = _open_conversation(employee)
    decided, decision = _decided_conversation(employee)
    ready = ConversationFactory(employee=employee)
    walk_to_outcome(employee, ready, uwv=True)
    ready.refresh_from_db()
    reported = report(employee, ConversationFactory(employee=employee))
    flagged = confirmed(employee, lead, ConversationFactory(employee=employee))
    return TeamData(
        team=employee.team,
        employee=employee,
        team_lead=lead,
        planned=planned,
        open=open_conversation,
        participant=participant,
        decided=decided,
        decision=decision,
        ready=ready,
        reported=reported,
        confirmed=flagged,
        event=AuditEvent.objects.filter(team_id=employee.team_id).latest("id"),
        export_job=_export_job(lead, export_dir),
        notification=Notification.objects.filter(recipient=lead).latest("id"),
    )


def _access_export(
    auditor: User, client: ClientModel, export_dir: Path
) -> AccessExport:
    now = timezone.now()
    export = AccessExport.objects.create(
        client=client,
        requested_by=auditor,
        status=AccessExport.Status.DONE,
        steps_done=7,
        steps_expected=7,
        created_at=now,
        expires_at=now + dt.timedelta(days=7),
        finished_at=now,
    )
    export.file_stem = f"inzage-{export.pk}-world"
    export.save(update_fields=["file_stem"])
    export_dir.mkdir(parents=True, exist_ok=True)
    (export_dir / f"{export.file_stem}.pdf").write_bytes(b"%PDF-1.7\n")
    (export_dir / f"{export.file_stem}.json").write_text("{}\n", encoding="utf-8")
    return export


def _hold(auditor: User, client: ClientModel) -> LegalHold:
    return hold_place(
        actor=auditor,
        bsn=client.bsn,
        reason="Bezwaar loopt.",
        case_reference="BZW-2026-0042",
        until=None,
        at=timezone.now(),
    )


def _erasure(auditor: User, client: ClientModel) -> ErasureRequest:
    return erasure_request(
        actor=auditor,
        bsn=client.bsn,
        reason="De klant vroeg per brief om wissing.",
        at=timezone.now(),
    )


def _access_attempt() -> AccessAttempt:
    """Return one failed login as django-axes counts it (not yet a lock)."""
    return AccessAttempt.objects.create(
        username="iemand",
        ip_address="203.0.113.9",
        user_agent="Firefox",
        path_info="/inloggen/",
        get_data="",
        post_data="",
        http_accept="",
        failures_since_start=1,
    )


def build_world(export_dir: Path) -> World:
    """Make two teams' records through the services, and a session per persona.

    Every privileged persona's session passed its second factor (an app of
    theirs, ``tests/second_factor.py``); team A's lead has recovery codes and a
    passkey too.
    The sessions of ``UNVERIFIED`` did not pass it.
    """
    auditor = UserFactory(auditor=True)
    auditor_without_app = UserFactory(auditor=True)
    a = _team(export_dir)
    world = World(
        a=a,
        b=_team(export_dir),
        auditor=auditor,
        admin=UserFactory(admin=True),
        access_attempt=_access_attempt(),
        verification_job=VerificationJob.objects.create(
            requested_by=auditor, status=VerificationJob.Status.DONE, intact=True
        ),
        auditor_without_app=auditor_without_app,
        hold=_hold(auditor, a.open.client),
        hold_asked=hold_lift_request(
            actor=auditor_without_app,
            hold=_hold(auditor, a.open.client),
            reason="De zaak is afgesloten.",
            at=timezone.now(),
        ),
        erasure=_erasure(auditor, a.planned.client),
        access_export=_access_export(auditor, a.decided.client, export_dir),
    )
    authenticator_for(world.a.team_lead)
    recovery_codes_renew(user=world.a.team_lead)
    passkey_for(world.a.team_lead)
    pending = authenticator_begin(user=world.auditor_without_app)
    for persona in (*PERSONAS, *UNVERIFIED):
        user = world.user(persona)
        if user is not None:
            client = StaffClient()
            client.force_login(user, second_factor=persona not in UNVERIFIED)
            if persona == "auditor_without_app":
                # The set-up page was opened in this session: its secret is this
                # session's (accounts.views.PENDING_APP_SESSION_KEY).
                session = client.session
                session[PENDING_APP_SESSION_KEY] = pending.pk
                session.save()
            world.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


@contextmanager
def rolled_back() -> Iterator[None]:
    """Undo whatever the block writes (a savepoint inside the module's transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def world_transaction(django_db_blocker: Any) -> Iterator[None]:
    """Hold the module's records in one transaction, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def a_day_ago() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)
