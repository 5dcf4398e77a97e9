"""The project's URLs, plus pages that fail as a lost database or Redis does.

Only for ``test_error_pages.py``: the exceptions are those the database driver
and the Redis client raise when their server went away.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from redis.exceptions import ConnectionError as RedisConnectionError

from uwvrec.urls import handler500
from uwvrec.urls import urlpatterns as project_urlpatterns


@login_not_required
def database_gone(request: HttpRequest) -> HttpResponse:
    try:
        raise ConnectionResetError("server closed the connection unexpectedly")
    except ConnectionResetError as error:
        # As Django wraps the driver's error: the cause is kept.
        raise OperationalError("server closed the connection unexpectedly") from error


@login_not_required
def redis_gone(request: HttpRequest) -> HttpResponse:
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")


@login_not_required
def defect(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("division by zero in /srv/uwvrec/secret_module.py")


urlpatterns = [
    *project_urlpatterns,
    path("stuk/database/", database_gone),
    path("stuk/redis/", redis_gone),
    path("stuk/fout/", defect),
]
__all__ = ["handler500", "urlpatterns"]
