"""Employees plan conversations and run the checklist; team leads read their team's."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "employee": ["run_checklist", "view_conversation", "view_decision"],
    "team_lead": ["view_conversation", "view_decision"],
    "admin": [
        "view_client",
        "view_conversation",
        "view_participant",
        "view_decision",
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally made after migrate; the groups need them now.
    app_config = apps.get_app_config("conversations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for role, codes in ROLE_PERMISSIONS.items():
        _group(apps, role).permissions.add(*_permissions(apps, codes))


def revoke(apps, schema_editor):
    for role, codes in ROLE_PERMISSIONS.items():
        _group(apps, role).permissions.remove(*_permissions(apps, codes))


def _group(apps, name):
    return apps.get_model("auth", "Group").objects.get(name=name)


def _permissions(apps, codes):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="conversations", codename__in=codes
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0002_decisions_are_append_only"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
