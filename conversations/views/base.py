"""What every conversation page shares: the scoped conversation and the rights."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from conversations.access import may_run, may_view
from conversations.models import Conversation
from conversations.schedule import EARLIEST_DATE
from conversations.selectors import conversation_for, conversation_has_policy
from conversations.services import conversation_view_record


class StaffMixin:
    """Let in team members who may see conversations (``run``: plan and answer)."""

    request: HttpRequest
    kwargs: dict[str, Any]
    needs_run = False

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Team work: employees and team leads. Admins read in the admin site.
        if not may_view(self.user):
            raise PermissionDenied
        if "pk" in kwargs:
            self.conversation  # noqa: B018 - another team's conversation is a 404
        if self.needs_run and not may_run(self.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    @cached_property
    def conversation(self) -> Conversation:
        return conversation_for(user=self.user, pk=self.kwargs["pk"])

    def may_run(self) -> bool:
        return may_run(self.user)


class PolicyInForceMixin:
    """Open a checklist page only for a conversation on a date with a policy.

    A conversation dated before the first policy (stored before dates were
    checked) can never be decided: its checklist pages say so, with a way out
    (reschedule or cancel), instead of failing.
    """

    request: HttpRequest
    conversation: Conversation
    user: User

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if conversation_has_policy(self.conversation):
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        if request.method == "GET":
            conversation_view_record(actor=self.user, conversation=self.conversation)
        context = {
            "conversation": self.conversation,
            "earliest": EARLIEST_DATE,
            "may_run": may_run(self.user),
        }
        return render(
            request, "conversations/conversation_no_policy.html", context, status=409
        )
