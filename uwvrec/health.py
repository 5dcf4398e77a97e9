"""``/health/``: whether PostgreSQL, Redis and a Celery worker answer."""

import asyncio
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from health_check.checks import Database
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient


class HealthView(HealthCheckView):
    """Report each service as JSON; HTTP 503 when any of them is down."""

    def get_checks(self) -> Any:
        yield "database", Database()
        yield (
            "redis",
            Redis(client_factory=lambda: RedisClient.from_url(settings.REDIS_URL)),
        )
        yield "celery", Ping(timeout=settings.HEALTH_CHECK_CELERY_TIMEOUT, limit=1)

    async def get(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> JsonResponse:
        checks = list(self.get_checks())
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for _, check in checks)
            )
        report = {
            name: "ok" if not result.error else str(result.error)
            for (name, _), result in zip(checks, results, strict=True)
        }
        healthy = not any(result.error for result in results)
        return JsonResponse(
            {"status": "ok" if healthy else "unavailable", "checks": report},
            status=200 if healthy else 503,
        )
