from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from privacy import checks  # noqa: F401 - registers them
        from privacy.schedule import periods_store

        post_migrate.connect(periods_store, sender=self)
