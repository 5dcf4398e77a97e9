"""Notifications can be given up (undeliverable) and tell of withdrawals.

Admins may now read the outbox in the admin site, to find undeliverable ones.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant(apps, schema_editor):
    # Permissions are normally made after migrate; the group needs this one now.
    app_config = apps.get_app_config("violations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    _admins(apps).permissions.add(_view_notification(apps))


def revoke(apps, schema_editor):
    _admins(apps).permissions.remove(_view_notification(apps))


def _admins(apps):
    return apps.get_model("auth", "Group").objects.get(name="admin")


def _view_notification(apps):
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="violations", codename="view_notification"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("violations", "0002_violation_events_are_append_only"),
        ("accounts", "0002_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="notification",
            name="viol_notif_unsent",
        ),
        migrations.AddField(
            model_name="notification",
            name="abandoned_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Versturen mislukte te vaak: het bericht is onbestelbaar.",
                null=True,
                verbose_name="opgegeven op",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reported", "nieuwe melding van een overtreding"),
                    ("decided", "besluit over uw melding"),
                    ("withdrawn", "bevestigde overtreding ingetrokken"),
                ],
                max_length=16,
                verbose_name="soort",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(
                    ("abandoned_at__isnull", True), ("sent_at__isnull", True)
                ),
                fields=["created_at"],
                name="viol_notif_unsent",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
