"""Celery tasks' audit context: each task's events say they came from that task."""

from typing import Any

from celery.signals import task_postrun, task_prerun

from audit import request_context

_task_tokens: dict[str, Any] = {}


@task_prerun.connect
def bind_task_context(task_id: str, **kwargs: Any) -> None:
    _task_tokens[task_id] = request_context.enter(request_context.task_context(task_id))


@task_postrun.connect
def unbind_task_context(task_id: str, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_context.leave(token)
