"""What every conversation page shares: the scoped conversation and the rights."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from conversations.access import may_run_checklist, may_view_conversations
from conversations.models import ClientFlag, Conversation
from conversations.schedule import EARLIEST_DATE
from conversations.selectors import conversation_for, conversation_has_policy
from conversations.services import client_flag_shown, conversation_view_record


class StaffMixin:
    """Let in team members who may see conversations (``run``: plan and answer)."""

    request: HttpRequest
    kwargs: dict[str, Any]
    needs_run = False
    # A checklist page: only for a conversation on a date with a policy in force.
    needs_policy = False

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Team work: employees and team leads. Admins read in the admin site.
        if not may_view_conversations(self.user):
            raise PermissionDenied
        if "pk" in kwargs:
            self.conversation  # noqa: B018 - another team's conversation is a 404
        if self.needs_run and not may_run_checklist(self.user):
            raise PermissionDenied
        if self.needs_policy and not conversation_has_policy(self.conversation):
            return self.no_policy(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def no_policy(self, request: HttpRequest) -> HttpResponse:
        """Say that this conversation's checklist cannot decide, and what to do.

        Its date is before the first policy (stored before dates were checked):
        instead of failing, its checklist pages offer a way out, reschedule or
        cancel.
        """
        if request.method == "GET":
            conversation_view_record(actor=self.user, conversation=self.conversation)
        context = {
            "conversation": self.conversation,
            "earliest": EARLIEST_DATE,
            "may_run": self.may_run(),
            "flag": self.flag_shown(),
        }
        return render(
            request, "conversations/conversation_no_policy.html", context, status=409
        )

    @cached_property
    def conversation(self) -> Conversation:
        return conversation_for(user=self.user, pk=self.kwargs["pk"])

    def may_run(self) -> bool:
        return may_run_checklist(self.user)

    def flag_shown(self) -> ClientFlag | None:
        """Return the client's flag for the banner at the top of the page.

        Called by the view before it renders (showing a flag is audited, and a
        template writes nothing); None when the client is not flagged.
        """
        return client_flag_shown(
            actor=self.user,
            client=self.conversation.client,
            page=self.request.resolver_match.view_name,  # type: ignore[union-attr]
        )
