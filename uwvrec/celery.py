"""The Celery application: configured from Django's settings (``CELERY_*``).

``DJANGO_SETTINGS_MODULE`` must be set by whoever starts a worker (the Dockerfile,
``make run``, the tests). It is deliberately not defaulted here: this module is
imported with the ``uwvrec`` package, and a default would leak into every process
that imports it and into their children.
"""

from celery import Celery

app = Celery("uwvrec")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
