"""Every setting of uwvrec, read from the environment, with production-safe defaults.

``dev.py`` and ``test.py`` only set environment defaults before importing this module;
no code path exists only in production. Every variable read here is listed in
``.env.example`` and ``docs/configuration.md`` (a test keeps the three in step).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
import structlog
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from uwvrec.logs import drop_query_strings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env.str("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "uwvrec.apps.UwvrecAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "django_structlog",
    # accounts replaces django-otp's admins (Dutch names, audited: AccountsConfig).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    # After accounts: its addstatictoken (audited) replaces django-otp's own.
    "django_otp.plugins.otp_static",
    # After accounts: its models load the user model.
    "django_otp_webauthn",
    "accounts.passkeys",
    "rules",
    "audit",
    "conversations",
    "violations",
    # The figures' rollup: kept by the database from conversations and decisions.
    "figures",
    # Retention, legal holds: above the apps whose records it removes.
    "privacy",
    # The wiring: commands that load or span every app (load_demo_data).
    "uwvrec.apps.UwvrecConfig",
    # After accounts: its commands of the same name (audited) replace axes' own.
    "accounts.apps.AxesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "uwvrec.middleware.NoStoreMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "audit.request_context.AuditContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "uwvrec.middleware.ForgedSessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Notes a request that may have changed something: the user's reads stay on
    # the primary for a while (uwvrec.db.replica).
    "uwvrec.db.replica.ReadYourWritesMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "uwvrec.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A privileged user's session reaches nothing else before its second factor.
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.HtmxLoginRedirectMiddleware",
    # Last, as axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "uwvrec.urls"
WSGI_APPLICATION = "uwvrec.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "uwvrec.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL only. Persistent connections: without them database views ran 2.6 to 8
# times slower on these machines (docs/perf-baseline.md).
DATABASES = {"default": env.db_url("DATABASE_URL", engine="uwvrec.db")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Parameters travel apart from the SQL, so a query the app runs again and again (the
# same SQL, other values) is parsed and planned once per connection: a statement
# runs prepared from its third execution on. Planning cost more than executing the
# checklist's queries (bench/bench_checklist.py). Put a pooler in transaction mode
# in between only if it keeps prepared statements (PgBouncer 1.21 and newer).
DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),
    "server_side_binding": True,
    "prepare_threshold": 2,
    # A database that does not answer (a network partition, a host that hangs)
    # gives the Dutch 503 page after this many seconds, instead of holding the
    # request until gunicorn kills its worker.
    "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT_SECONDS", default=5),
}
# The restricted role the web app and workers log in with, while migrations run as
# the owner of the tables (DATABASE_URL set to the owner's login for `migrate`).
# Every migrate grants this role its rights; see uwvrec/db/grants.py.
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")

# A PostgreSQL streaming replica for reads that may lag a little (the audit review's
# pages; docs/adr/0009-read-replica.md). Set: the alias "replica", with the engine,
# options and login of the app's role as the primary. Only code inside
# uwvrec.db.routers.reads_from_replica() reads there; writes never do.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL, engine="uwvrec.db"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),
        # Under test the replica reads the test database the primary made (a
        # standby has it too): none is made on a server that cannot write.
        "TEST": {"MIRROR": "default"},
    }
# For this long after a request of theirs that may have changed something, a
# user's reads stay on the primary, so they never miss their own change.
DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS = env.int(
    "DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS", default=30
)
# A replica further behind than this is not read; its lag (and whether it answers)
# is measured at most once per DATABASE_REPLICA_CHECK_SECONDS in each process.
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float(
    "DATABASE_REPLICA_MAX_LAG_SECONDS", default=10.0
)
DATABASE_REPLICA_CHECK_SECONDS = env.float(
    "DATABASE_REPLICA_CHECK_SECONDS", default=5.0
)
DATABASE_ROUTERS = ["uwvrec.db.routers.ReplicaRouter"]

REDIS_URL = env.str("REDIS_URL")
# A Redis that hangs (a frozen server, a network partition) must not hang a request:
# without a timeout, handing a task to the broker waited until gunicorn killed the
# worker (HTTP 500 after 30 s, the change already committed). With one, it gives up,
# and the outbox hands the task over again later.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT_SECONDS", default=2.0)
_REDIS_TIMEOUTS = {
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "uwvrec",
        "OPTIONS": _REDIS_TIMEOUTS,
    },
}

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses every login of a locked account or address before the
# password is checked. Then Django's model backend, loading the team and roles with
# the user of a request.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.StaffBackend",
    # Logins through the identity provider (only its callback authenticates so).
    "accounts.sso.IdentityProviderBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATION}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATION}.NumericPasswordValidator"},
]

# Brute-force protection (django-axes, accounts/lockouts.py): after this many failed
# logins in a row for one account, or from one client address, logging in is
# refused for that account or address until this many minutes pass without a
# failure, or an admin or operator lifts the lock.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# "In a row": a successful login starts the count of its account and address again.
AXES_RESET_ON_SUCCESS = True
# The same client address as the audit trail records (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "audit.request_context.client_ip"
# The account's username, or a keyed hash of text that names no account: a
# password or a BSN typed into the username box is never stored.
AXES_USERNAME_CALLABLE = "accounts.lockouts.attempt_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockouts.lockout_response"
# Logins are in the audit trail; axes keeps only the counts it locks by.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# The admin site lists attempts through accounts.admin (audited), not axes' own.
AXES_ENABLE_ADMIN = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# The second factor of privileged roles (django-otp, accounts/second_factor.py): an
# authenticator app (TOTP) and single-use recovery codes. After n wrong codes in a
# row the next is refused until factor x 2^(n-1) seconds have passed (1, 2, 4, 8 s
# ... with factor 1); 0 turns that off. The issuer is the name the app shows.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="uwvrec")
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = env.int("OTP_STATIC_THROTTLE_FACTOR", default=1)
# The admin site never shows a device's secret, its QR code or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys (WebAuthn, django-otp-webauthn; accounts/passkeys.py) as a second factor
# besides the app: offered when the relying party id is set, the domain the site is
# served on (a passkey belongs to a domain, never to an IP address), and only on
# pages served on that domain. The browser's origins must be listed: https, or
# http://localhost for a developer's machine. Passkeys are a second factor only,
# never a login of their own.
OTP_WEBAUTHN_RP_ID = env.str("OTP_WEBAUTHN_RP_ID", default="")
OTP_WEBAUTHN_RP_NAME = env.str("OTP_WEBAUTHN_RP_NAME", default="uwvrec")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "OTP_WEBAUTHN_ALLOWED_ORIGINS",
    default=[f"https://{OTP_WEBAUTHN_RP_ID}"] if OTP_WEBAUTHN_RP_ID else [],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Without a relying party passkeys are absent, and django-otp-webauthn's checks
# that ask for one are quiet.
SILENCED_SYSTEM_CHECKS = (
    [] if OTP_WEBAUTHN_RP_ID else ["otp_webauthn.E010", "otp_webauthn.E030"]
)

# Single sign-on with the organisation's identity provider (OpenID Connect, the
# authorization code flow with PKCE; docs/configuration.md, "Single sign-on").
# On when an issuer and a client id are set; the endpoints come from the
# provider's discovery document (accounts/sso.py).
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="").rstrip("/")
OIDC_OP_DISCOVERY_URL = env.str(
    "OIDC_OP_DISCOVERY_URL",
    default=f"{OIDC_OP_ISSUER}/.well-known/openid-configuration"
    if OIDC_OP_ISSUER
    else "",
)
# The IdP's origin (scheme, host and port), where logging out is sent on to.
_IDP_ORIGIN = (
    [urlunsplit((*urlsplit(OIDC_OP_ISSUER)[:2], "", "", ""))] if OIDC_OP_ISSUER else []
)
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
SSO_ENABLED = bool(OIDC_OP_ISSUER and OIDC_RP_CLIENT_ID)
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile email")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
# The ID token is kept in the session, as the hint for logging out at the IdP.
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
OIDC_DISCOVERY_CACHE_SECONDS = env.int("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)
# Where the claims are: names of the claims (a dot reads into a nested claim,
# as Keycloak's "realm_access.roles").
OIDC_CLAIM_ROLES = env.str("OIDC_CLAIM_ROLES", default="roles")
OIDC_CLAIM_TEAM = env.str("OIDC_CLAIM_TEAM", default="team")
OIDC_CLAIM_EMPLOYEE_NUMBER = env.str(
    "OIDC_CLAIM_EMPLOYEE_NUMBER", default="employee_number"
)
OIDC_CLAIM_USERNAME = env.str("OIDC_CLAIM_USERNAME", default="preferred_username")
# The IdP's app roles (or groups) and the role each gives here.
OIDC_ROLE_MAP = env.dict(
    "OIDC_ROLE_MAP",
    default={
        "uwvrec.medewerker": "employee",
        "uwvrec.teamleider": "team_lead",
        "uwvrec.auditor": "auditor",
        "uwvrec.beheerder": "admin",
    },
)
# Whether a login through the IdP counts as a second factor here: the IdP
# enforces MFA. An organisational decision (Entra's ID tokens carry no "amr").
OIDC_TRUSTS_IDP_MFA = env.bool("OIDC_TRUSTS_IDP_MFA", default=False)
# If set, an SSO login whose ID token has another "acr" is refused.
OIDC_REQUIRED_ACR = env.str("OIDC_REQUIRED_ACR", default="")
# The login page's username and password; off where everyone signs in with SSO
# (then only SSO lets anyone in, break-glass accounts included).
LOCAL_LOGIN_ENABLED = env.bool("LOCAL_LOGIN_ENABLED", default=True)

# Idle sessions expire: a request renews the session (at most once a minute, see
# accounts.middleware.IdleSessionMiddleware), so the age is the idle time.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_TOUCH_INTERVAL_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# A strict policy: no inline script or style anywhere, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Logging out of an SSO session posts here and is sent on to the IdP.
        "form-action": [SELF, *_IDP_ORIGIN],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    },
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# "1 december 2026, 09:00" (uwvrec/moments.py); the rest is Django's per language.
FORMAT_MODULE_PATH = ["uwvrec.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Demo users with known passwords must never reach production.
DEMO_DATA_ALLOWED = env.bool("DJANGO_DEMO_DATA_ALLOWED", default=False)

# Mail: notifications and anchors to auditors. smtp://user:pass@host:587 (with
# ?tls=True), or consolemail:// / filemail:////absolute/path in development.
_email = env.email_url("EMAIL_URL", default="smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH")
# A mail server that accepts the connection and then says nothing must not hold a
# worker (and the notification's row lock) for ever: the attempt fails and counts.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT_SECONDS", default=10.0)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="uwvrec <noreply@uwv.nl>")

# How many proxies in front of the app add themselves to X-Forwarded-For; 0 means
# the app is reached directly and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# The audit trail: how often committed events are chained, and how often the chain
# head is copied outside the database (a file, and optionally mail to auditors).
AUDIT_SEAL_INTERVAL_SECONDS = env.int("AUDIT_SEAL_INTERVAL_SECONDS", default=5)
AUDIT_ANCHOR_INTERVAL_SECONDS = env.int("AUDIT_ANCHOR_INTERVAL_SECONDS", default=300)
AUDIT_ANCHOR_FILE = env.path(
    "AUDIT_ANCHOR_FILE", default=BASE_DIR / "var" / "audit-anchors.jsonl"
)
AUDIT_ANCHOR_MAIL_TO = env.list("AUDIT_ANCHOR_MAIL_TO", default=[])
# Exports of the audit trail: up to this many events stream straight to the browser;
# a larger export is written by a Celery task into the directory below.
AUDIT_EXPORT_STREAM_LIMIT = env.int("AUDIT_EXPORT_STREAM_LIMIT", default=100_000)
AUDIT_EXPORT_DIR = env.path("AUDIT_EXPORT_DIR", default=BASE_DIR / "var" / "exports")

# The client's right of access (AVG art. 15): an auditor's export of what UWV holds
# about a client, as PDF and JSON, written by a Celery task into this directory and
# kept for RETENTION_EXPORT_FILE_DAYS. Employees who looked at the client's data are
# named by role and team; with the setting below also by name.
ACCESS_EXPORT_DIR = env.path(
    "ACCESS_EXPORT_DIR", default=BASE_DIR / "var" / "access-exports"
)
ACCESS_EXPORT_EMPLOYEE_NAMES = env.bool("ACCESS_EXPORT_EMPLOYEE_NAMES", default=False)

# Clients' BSNs: encrypted at rest with Fernet (the first key encrypts, every key
# decrypts, so keys rotate: see `rotate_bsn_keys`), and found through an HMAC-SHA256
# keyed hash. Both are required in production; there is no default.
BSN_ENCRYPTION_KEYS = env.list("BSN_ENCRYPTION_KEYS")
BSN_HASH_KEY = env.str("BSN_HASH_KEY")

# Conversations: how far ahead an appointment may be planned, in months. Further
# ahead is taken for a typing error (2099) and refused with a message.
CONVERSATION_MONTHS_AHEAD = env.int("CONVERSATION_MONTHS_AHEAD", default=18)

# Retention (privacy.schedule, docs/configuration.md): days each kind of record is
# kept. The database enforces the copy `migrate` stores (docs/adr/0008-retention.md).
# Conversations and violation reports: our reading, UWV has not fixed them.
RETENTION_CONVERSATION_DAYS = env.int("RETENTION_CONVERSATION_DAYS", default=730)
RETENTION_VIOLATION_REPORT_DAYS = env.int(
    "RETENTION_VIOLATION_REPORT_DAYS", default=1826
)
RETENTION_NOTIFICATION_DAYS = env.int("RETENTION_NOTIFICATION_DAYS", default=90)
RETENTION_EXPORT_FILE_DAYS = env.int("RETENTION_EXPORT_FILE_DAYS", default=7)
# The audit trail ages by whole months (UTC): a month is retired behind a checkpoint
# once it ended longer ago than this (7 years).
RETENTION_AUDIT_DAYS = env.int("RETENTION_AUDIT_DAYS", default=2557)
# Rows a retention batch removes in one transaction: short locks beside the checklist.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=500)
# After each batch the run rests this many times as long as the batch took, so that
# it takes at most 1 / (1 + ratio) of a core from the checklist (0: no rest).
RETENTION_REST_RATIO = env.float("RETENTION_REST_RATIO", default=3.0)
# While the app is in use (another of its sessions is running a query when a batch
# ends), the run rests this many times a batch's time instead: it then takes about
# 1/31 of a core, and requests beside it keep their speed (bench/bench_retention.py).
RETENTION_BUSY_REST_RATIO = env.float("RETENTION_BUSY_REST_RATIO", default=30.0)

# Violations: the address links in notification e-mails start with, and how long
# an unsent notification waits before the beat task hands it to Celery again.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
NOTIFICATION_RESEND_AFTER_SECONDS = env.int(
    "NOTIFICATION_RESEND_AFTER_SECONDS", default=60
)
# After this many failed attempts to send it a notification is given up: not tried
# again, audited, and listed for the admins as undeliverable.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=10)
# After a failed attempt the next waits twice as long as the one before (starting at
# NOTIFICATION_RESEND_AFTER_SECONDS), up to this: ten attempts span about four hours.
NOTIFICATION_RETRY_MAX_SECONDS = env.int("NOTIFICATION_RETRY_MAX_SECONDS", default=3600)

# The letter to a flagged client: the sender's address (lines, comma-separated;
# also where an objection is sent), and the phone number and website to ask at.
LETTER_SENDER_ADDRESS = env.list(
    "LETTER_SENDER_ADDRESS", default=["UWV", "Postbus 58285", "1040 HG Amsterdam"]
)
LETTER_CONTACT_PHONE = env.str("LETTER_CONTACT_PHONE", default="088 - 898 92 94")
LETTER_CONTACT_URL = env.str("LETTER_CONTACT_URL", default="https://www.uwv.nl")

CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = dict(_REDIS_TIMEOUTS)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="uwvrec")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # The retention schedule (privacy.schedule), expired sessions included.
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=15),
    },
    "seal-audit-trail": {
        "task": "audit.tasks.seal_audit_trail",
        "schedule": timedelta(seconds=AUDIT_SEAL_INTERVAL_SECONDS),
    },
    "anchor-audit-trail": {
        "task": "audit.tasks.anchor_audit_trail",
        "schedule": timedelta(seconds=AUDIT_ANCHOR_INTERVAL_SECONDS),
    },
    "verify-audit-trail": {
        "task": "audit.tasks.verify_audit_trail",
        "schedule": crontab(hour=2, minute=30),
    },
    "prepare-audit-partitions": {
        "task": "audit.tasks.prepare_audit_partitions",
        "schedule": crontab(hour=1, minute=0),
    },
    "check-client-flags": {
        "task": "violations.tasks.check_client_flags",
        "schedule": crontab(hour=2, minute=45),
    },
    "requeue-notifications": {
        "task": "violations.tasks.requeue_notifications",
        "schedule": timedelta(minutes=1),
    },
    "resend-audit-exports": {
        "task": "audit.tasks.resend_audit_exports",
        "schedule": timedelta(minutes=5),
    },
    "resend-access-exports": {
        "task": "privacy.tasks.resend_access_exports",
        "schedule": timedelta(minutes=5),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(
    env.path("CELERY_BEAT_SCHEDULE_FILENAME", default=BASE_DIR / "var" / "celerybeat")
)
HEALTH_CHECK_CELERY_TIMEOUT = timedelta(
    seconds=env.float("HEALTH_CHECK_CELERY_TIMEOUT_SECONDS", default=2.0)
)
# The longest /health/ waits for any one service: a load balancer's probe gets its
# 503 in about this time when a service hangs.
HEALTH_CHECK_TIMEOUT = timedelta(
    seconds=env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=2.0)
)

# Logs: structlog, one event per line with the request id; JSON in production.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False

_shared_processors: list[structlog.typing.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    drop_query_strings,
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer()
                if LOG_FORMAT == "json"
                else structlog.dev.ConsoleRenderer(colors=False),
            ],
            "foreign_pre_chain": _shared_processors,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "structured"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django_structlog": {"level": LOG_LEVEL},
        # WeasyPrint reports every step of making a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
structlog.configure(
    processors=[
        *_shared_processors,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)
