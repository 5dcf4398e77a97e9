"""Tests: environment defaults, then the shared settings.

``make test`` starts embedded PostgreSQL and Redis unless ``DATABASE_URL`` and
``REDIS_URL`` are set, and leaves their URLs in ``var/test/services.env``.
"""

import os
from urllib.parse import urlsplit

from uwvrec.localservices import VAR_DIR, load_env_file

load_env_file("test")


def _split_for_xdist_worker() -> None:
    """Give each of pytest-xdist's workers data of its own on the shared servers.

    ``make test`` runs the suite in two workers (``-n 2``). pytest-django gives
    each a database of its own (``test_uwvrec_gw0``...); here each also gets a
    Redis database of its own (the cache, the login throttle, Celery's queue
    and its control broadcasts) and its own anchor file. Done once: the app
    processes a test starts inherit the split environment, and a test's own
    Redis server keeps the URL the test gave it.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or os.environ.get("UWVREC_TEST_WORKER") == worker:
        return
    os.environ["UWVREC_TEST_WORKER"] = worker
    number = int(worker.removeprefix("gw"))
    if redis_url := os.environ.get("REDIS_URL"):
        parts = urlsplit(redis_url)
        base = int(parts.path.strip("/") or 0)
        os.environ["REDIS_URL"] = parts._replace(path=f"/{base + number}").geturl()
    os.environ.setdefault(
        "AUDIT_ANCHOR_FILE", str(VAR_DIR / "test" / f"audit-anchors-{worker}.jsonl")
    )


_split_for_xdist_worker()
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_DEMO_DATA_ALLOWED", "true")
# Passkeys are offered on the test client's host; no browser comes from there
# (the browser tests, on localhost, set their live server's origin).
os.environ.setdefault("OTP_WEBAUTHN_RP_ID", "testserver")
os.environ.setdefault("OTP_WEBAUTHN_ALLOWED_ORIGINS", "https://testserver")
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", "uwvrec-test")
# Retention runs in the tests do not rest between batches (bench_retention.py does).
os.environ.setdefault("RETENTION_REST_RATIO", "0")
os.environ.setdefault("RETENTION_BUSY_REST_RATIO", "0")
os.environ.setdefault("LOG_FORMAT", "console")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("EMAIL_TIMEOUT_SECONDS", "1")
os.environ.setdefault(
    "AUDIT_ANCHOR_FILE", str(VAR_DIR / "test" / "audit-anchors.jsonl")
)
# Fixed test-only keys for the clients' BSNs: never use them in production.
os.environ.setdefault(
    "BSN_ENCRYPTION_KEYS", "_AGlkopfTqLv34c1bngD7rzibIiwykjosNnz09gqnxo="
)
os.environ.setdefault(
    "BSN_HASH_KEY", "a2f612e610550a9f742066075e3c1308a0278ca660c4258598f7928e9b020a4b"
)

from uwvrec.settings.base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The hashed-name manifest exists only after collectstatic; `make test` checks that
# separately with the production storage (Makefile target `checks`).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# As in development (DEBUG): find static files on request instead of scanning
# STATIC_ROOT, which only exists after collectstatic.
WHITENOISE_AUTOREFRESH = True

# Append-only tables survive `flush` (uwvrec.db), so their rows must not be restored
# from the snapshot `serialized_rollback` takes after migrating.
# The retention periods are written by the owner only, and the holds are empty
# after migrating: neither is restored either.
TEST_NON_SERIALIZED_APPS = ["audit", "rules", "conversations", "privacy"]
