"""Settings of the identity provider that the single sign-on tests log in at.

A Django project of its own, never uwvrec's: it is run by ``python -m tests.idp``,
which sets the ``IDP_*`` variables read here (the issuer, the signing key, the
SQLite file and the control API's token) before Django loads this module.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

ISSUER = os.environ["IDP_ISSUER"]
CONTROL_TOKEN = os.environ["IDP_CONTROL_TOKEN"]
CLIENT_ID = os.environ["IDP_CLIENT_ID"]

SECRET_KEY = os.environ["IDP_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.idp.claims",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "tests.idp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]

# The provider's own storage (users, grants, tokens), one file per run: nothing
# of uwvrec's is in it.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["IDP_DATABASE"],
        # The worker's threads write at once (a login, a token request): each
        # takes the write lock when its transaction starts, and waits for it.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Its users and the client's secret live for one run; a slow hash would only slow
# every login and every token request of the tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Cookies do not tell ports apart: uwvrec, served on 127.0.0.1 too, must not see
# (or overwrite) the provider's session and CSRF cookies.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": os.environ["IDP_RSA_PRIVATE_KEY"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    # A token request without the verifier of the authorization request fails,
    # and the challenge must be S256 (RFC 9700: "plain" is refused).
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    # Logout from the client: no question asked when id_token_hint names the
    # user logged in here, as an enterprise provider does.
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Name",
        "email": "Email address",
        "roles": "Roles",
    },
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "tests.idp.claims.validators.StoredClaimsValidator",
}

# Errors of the provider go to its log file (stderr), which the test's handle
# shows when the provider fails.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
