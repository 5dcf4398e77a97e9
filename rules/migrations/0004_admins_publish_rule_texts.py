"""Let the admin role read rule texts and publish new versions (never change them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_PERMISSIONS = ["add_ruletext", "view_ruletext"]


def grant(apps, schema_editor):
    # Permissions are normally made after migrate; the group needs them now.
    app_config = apps.get_app_config("rules")
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
        content_type__app_label="rules", codename__in=ADMIN_PERMISSIONS
    )


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0003_published_rule_texts_are_immutable"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
