"""Fill the clients' flag columns from the reports that flag them.

The same choice as ``violations.selectors.flag_from_reports``: of a client's
confirmed, not withdrawn reports, the one decided last (then the highest id).
Reversed, the columns are emptied again.
"""

from django.db import migrations


def fill(apps, schema_editor):
    Client = apps.get_model("conversations", "Client")
    Report = apps.get_model("violations", "ViolationReport")
    flagging = (
        Report.objects.filter(status="confirmed", withdrawn_at__isnull=True)
        .order_by("client_id", "-decided_at", "-id")
        .distinct("client_id")
        .values_list("client_id", "id", "happened_on", "rule")
    )
    clients = []
    for client_id, report_id, happened_on, rule in flagging.iterator():
        clients.append(
            Client(
                pk=client_id,
                flag_report_id=report_id,
                flagged_on=happened_on,
                flag_rule=rule,
            )
        )
    Client.objects.bulk_update(
        clients, ["flag_report_id", "flagged_on", "flag_rule"], batch_size=1000
    )


def empty(apps, schema_editor):
    apps.get_model("conversations", "Client").objects.filter(
        flag_report_id__isnull=False
    ).update(flag_report_id=None, flagged_on=None, flag_rule="")


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0007_client_flag"),
        ("violations", "0005_dutch_field_names"),
    ]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
