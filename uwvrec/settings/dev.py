"""Development: environment defaults for one machine, then the shared settings.

The URLs of the embedded PostgreSQL and Redis that ``make run`` started are read
from ``var/run/services.env``, so ``manage.py`` in another terminal reaches them.
Variables set in the environment always win.
"""

import os

from uwvrec.localservices import VAR_DIR, load_env_file, postgres_url

load_env_file("run")
# Where `make run` keeps its services, so that commands that need neither (such as
# `evaluate_policy` or `makemessages`) work while it is not running.
os.environ.setdefault(
    "DATABASE_URL", postgres_url(VAR_DIR / "run" / "pgdata", "uwvrec")
)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_DEMO_DATA_ALLOWED", "true")
# Passkeys work on http://localhost (a secure context), never on an IP address.
os.environ.setdefault("OTP_WEBAUTHN_RP_ID", "localhost")
os.environ.setdefault(
    "OTP_WEBAUTHN_ALLOWED_ORIGINS",
    "http://localhost:"
    + os.environ.get("UWVREC_ADDRESS", "127.0.0.1:8000").rpartition(":")[2],
)
os.environ.setdefault("LOG_FORMAT", "console")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("AUDIT_ANCHOR_FILE", str(VAR_DIR / "run" / "audit-anchors.jsonl"))
# Fixed dev-only keys for the clients' BSNs: never use them in production.
os.environ.setdefault(
    "BSN_ENCRYPTION_KEYS", "wyNC15DBtL4vDou0O_oeT6tWAW4ntR9ixqbkkY8j_gs="
)
os.environ.setdefault(
    "BSN_HASH_KEY", "85f82c4f0edc0abb9c8622aea4db19e2bfdb622403c945e857948632f480370f"
)

from uwvrec.settings.base import *  # noqa: E402, F403

# Hashed names as in production, without compressing every file on each
# `collectstatic` of `make run` (that took 20 s of its start).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
