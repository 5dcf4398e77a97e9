from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audittrail")

    def ready(self) -> None:
        from audit import checks, receivers  # noqa: F401 - registers them
        from uwvrec.db.grants import grant_app_role

        post_migrate.connect(grant_app_role, sender=self)
