import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.conftest import BASE_DIR, app_env, start_worker, stop
from uwvrec.localservices import free_port, wait_for_port


def test_health_reports_every_service_up(client, db, celery_worker_process):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "celery": "ok"},
    }


def test_health_needs_no_login(client, db):
    assert client.get("/health/").status_code in {200, 503}


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_health_is_503_naming_redis_when_redis_is_stopped(own_redis_url):
    redis_server, redis_url = own_redis_url
    env = app_env(REDIS_URL=redis_url)
    worker = start_worker(env)
    port = free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "uwvrec.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "uwvrec.settings.test"},
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        url = f"http://127.0.0.1:{port}/health/"
        assert _get(url) == (
            200,
            {
                "status": "ok",
                "checks": {"database": "ok", "redis": "ok", "celery": "ok"},
            },
        )
        stop(redis_server)
        status, body = _get(url)
    finally:
        stop(web)
        stop(worker)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] != "ok"
    assert body["checks"]["celery"] != "ok"
