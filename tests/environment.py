"""The environment of the suite, as ``make test`` sets it."""

# What `make test` hands the suite that a stack of a test's own must not inherit:
# it would use the suite's services instead of its own.
SUITE_SERVICES = (
    "DATABASE_URL",
    "DATABASE_OWNER_URL",
    "DATABASE_SUPERUSER_URL",
    "DATABASE_APP_ROLE",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
)
