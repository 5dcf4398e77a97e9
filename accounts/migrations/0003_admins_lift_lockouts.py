"""Admins see failed-login attempts and lift a lock by deleting them (audited)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODES = ["view_accessattempt", "delete_accessattempt"]


def grant(apps, schema_editor):
    # Permissions are normally made after migrate; the group needs them now.
    app_config = apps.get_app_config("axes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    _admin_group(apps).permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    _admin_group(apps).permissions.remove(*_permissions(apps))


def _admin_group(apps):
    return apps.get_model("auth", "Group").objects.get(name="admin")


def _permissions(apps):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="axes", codename__in=CODES
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
