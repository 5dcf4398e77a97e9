"""``/health/``: whether PostgreSQL, Redis and a Celery worker answer, in time.

With a read replica (``DATABASE_REPLICA_URL``) it is reported too, as ``replica``;
a replica down does not make the answer a 503, for reads then go to the primary.

The answer says ``ok`` or ``unavailable`` per service and nothing more: anyone may
ask, so what went wrong is written to the log only. Every check has a deadline
(``HEALTH_CHECK_TIMEOUT_SECONDS``) and its clients have socket timeouts of their
own, so a service that hangs (a frozen server, a network partition) makes the probe
a 503 in time instead of no answer at all.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import structlog
from celery import Celery
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from health_check.base import HealthCheck
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu import Connection
from redis.asyncio import Redis as RedisClient

from uwvrec.celery import app as celery_app
from uwvrec.db.replica import REPLICA, replica_configured

logger = structlog.get_logger(__name__)


@dataclasses.dataclass
class Database(HealthCheck):
    """Run ``SELECT 1`` on a connection of its own, bounded on both sides.

    Not Django's connection: that one has no timeouts, and a check that waits in
    a thread would keep it. ``connect_timeout`` bounds a server that accepts but
    never answers; ``statement_timeout`` one that answers but is stuck.
    """

    timeout: datetime.timedelta = dataclasses.field(repr=False)
    alias: str = "default"

    def run(self) -> None:
        seconds = self.timeout.total_seconds()
        params = connections[self.alias].get_connection_params()
        # libpq counts whole seconds, and psycopg waits at least two.
        params["connect_timeout"] = max(1, math.ceil(seconds))
        limit = f"-c statement_timeout={int(seconds * 1000)}"
        params["options"] = f"{params.get('options', '')} {limit}".strip()
        try:
            with psycopg.connect(**params, autocommit=True) as connection:
                row = connection.execute("SELECT 1").fetchone()
        except psycopg.Error as error:
            raise ServiceUnavailable(str(error)) from error
        if row != (1,):
            raise ServiceUnavailable(f"SELECT 1 returned {row!r}")


class _BoundedConnection(Connection):
    """A broker connection that tries once more after an error, then gives up.

    Celery's remote control publishes with ``retry=True`` and no limit: against a
    frozen Redis it would retry for as long as the freeze lasts.
    """

    def ensure(self, obj: Any, fun: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["max_retries"] = 1
        return super().ensure(obj, fun, *args, **kwargs)


@dataclasses.dataclass
class CeleryWorker(HealthCheck):
    """A worker answers a ping and takes tasks from the app's queue."""

    app: Celery = dataclasses.field(repr=False)
    timeout: datetime.timedelta = dataclasses.field(repr=False)
    ping_timeout: datetime.timedelta = dataclasses.field(repr=False)

    def run(self) -> None:
        seconds = self.timeout.total_seconds()
        broker = _BoundedConnection(
            self.app.conf.broker_url,
            connect_timeout=seconds,
            transport_options={
                "socket_timeout": seconds,
                "socket_connect_timeout": seconds,
                "max_retries": 1,
            },
        )
        with broker:
            self._check(broker)

    def _check(self, broker: Connection) -> None:
        control = self.app.control
        wait = self.ping_timeout.total_seconds()
        replies = control.ping(timeout=wait, limit=1, connection=broker)
        if not replies:
            raise ServiceUnavailable("no Celery worker answered a ping")
        workers = [name for reply in replies for name in reply]
        inspect = control.inspect(workers, timeout=wait, connection=broker)
        queues = {
            queue.get("name")
            for worker_queues in (inspect.active_queues() or {}).values()
            for queue in worker_queues
        }
        wanted = self.app.conf.task_default_queue
        if wanted not in queues:
            raise ServiceUnavailable(f"no worker takes tasks from queue {wanted}")


def _checks() -> Iterator[tuple[str, HealthCheck]]:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    seconds = timeout.total_seconds()
    yield "database", Database(timeout=timeout)
    if replica_configured():
        yield "replica", Database(timeout=timeout, alias=REPLICA)
    redis = Redis(
        client_factory=lambda: RedisClient.from_url(
            settings.REDIS_URL,
            socket_timeout=seconds,
            socket_connect_timeout=seconds,
        )
    )
    yield "redis", redis
    yield (
        "celery",
        CeleryWorker(
            app=celery_app,
            timeout=timeout,
            ping_timeout=min(settings.HEALTH_CHECK_CELERY_TIMEOUT, timeout),
        ),
    )


async def _outcome(
    name: str, check: HealthCheck, executor: ThreadPoolExecutor, seconds: float
) -> bool:
    """Run one check within ``seconds``; log what went wrong; tell if it passed."""
    try:
        result = await asyncio.wait_for(check.get_result(executor), seconds)
    except TimeoutError:
        logger.warning("health_check_timed_out", check=name, seconds=seconds)
        return False
    if result.error is not None:
        logger.warning("health_check_failed", check=name, error=str(result.error))
        return False
    return True


class HealthView(HealthCheckView):
    """Report each service as ``ok`` or ``unavailable``; HTTP 503 when one is down."""

    async def get(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> JsonResponse:
        checks = list(_checks())
        seconds = settings.HEALTH_CHECK_TIMEOUT.total_seconds()
        # An executor of its own, left without waiting: a check stuck past its
        # deadline must not hold the answer (the loop's default executor is
        # waited for when the request's event loop closes).
        executor = ThreadPoolExecutor(len(checks), thread_name_prefix="health")
        try:
            passed = await asyncio.gather(
                *(_outcome(name, check, executor, seconds) for name, check in checks)
            )
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
        report = {
            name: "ok" if ok else "unavailable"
            for (name, _), ok in zip(checks, passed, strict=True)
        }
        # Without its replica the app reads the primary: the web process serves.
        pairs = zip(checks, passed, strict=True)
        healthy = all(ok for (name, _), ok in pairs if name != "replica")
        return JsonResponse(
            {"status": "ok" if healthy else "unavailable", "checks": report},
            status=200 if healthy else 503,
        )
