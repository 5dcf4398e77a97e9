from django.db import migrations, models


class Migration(migrations.Migration):
    """The client's flag as columns of its own (filled by violations 0006)."""

    dependencies = [
        ("conversations", "0006_dutch_field_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="flag_report_id",
            field=models.BigIntegerField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="gesignaleerd door melding",
            ),
        ),
        migrations.AddField(
            model_name="client",
            name="flagged_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="overtreding op"
            ),
        ),
        migrations.AddField(
            model_name="client",
            name="flag_rule",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                max_length=32,
                verbose_name="overtreden regel",
            ),
        ),
        migrations.AddConstraint(
            model_name="client",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("flag_report_id__isnull", True),
                        ("flag_rule", ""),
                        ("flagged_on__isnull", True),
                    ),
                    models.Q(
                        ("flag_report_id__isnull", False),
                        ("flagged_on__isnull", False),
                        models.Q(("flag_rule", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="conversations_client_flag_whole_or_none",
            ),
        ),
    ]
