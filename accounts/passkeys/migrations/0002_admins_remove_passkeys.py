"""Admins see users' passkeys and remove a lost one (audited)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODES = ["view_passkey", "delete_passkey"]


def grant(apps, schema_editor):
    # Permissions are normally made after migrate; the group needs them now.
    app_config = apps.get_app_config("passkeys")
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
        content_type__app_label="passkeys", codename__in=CODES
    )


class Migration(migrations.Migration):
    dependencies = [
        ("passkeys", "0001_initial"),
        ("accounts", "0007_admins_remove_devices"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
