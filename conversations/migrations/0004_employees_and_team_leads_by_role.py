"""Employees and team leads reach conversations by role, not by permission.

Who may see or run a conversation is decided in ``conversations.access`` from the
user's role, as elsewhere in uwvrec; the grants of 0003 to those roles and the
``run_checklist`` permission go. Admins keep their view permissions: the admin
site needs them.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "employee": ["run_checklist", "view_conversation", "view_decision"],
    "team_lead": ["view_conversation", "view_decision"],
}


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codes in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="conversations", codename__in=codes
            )
        )
    Permission.objects.filter(
        content_type__app_label="conversations", codename="run_checklist"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0003_roles_run_and_view_conversations"),
    ]

    operations = [
        migrations.RunPython(revoke, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="conversation",
            options={
                "ordering": ("scheduled_at", "id"),
                "verbose_name": "gesprek",
                "verbose_name_plural": "gesprekken",
            },
        ),
    ]
