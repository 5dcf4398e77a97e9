"""Settings for ``bench_checklist.py`` only: the test settings plus the bare view."""

from uwvrec.settings.test import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
