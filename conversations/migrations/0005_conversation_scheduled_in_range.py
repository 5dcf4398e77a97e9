"""Conversations are stored only between 2000 and 2100 (UTC).

The services plan conversations in a narrower range (``conversations.schedule``);
this CHECK is the last line, for a writer that bypasses them. It keeps out the
moments PostgreSQL can store but Python cannot read back (a timestamp BC, or one
that overflows when moved into Europe/Amsterdam), which broke every page and the
admin's list of conversations.

Rows stored before this check existed are not rewritten: nobody but a person
knows the date that was meant. The constraint is added ``NOT VALID`` (new and
changed rows are checked at once) and validated in the same step when no row
breaks it; otherwise the migration warns, and an operator repairs those rows and
runs ``ALTER TABLE conversations_conversation VALIDATE CONSTRAINT
conversations_conversation_scheduled_in_range``.
"""

import datetime

from django.db import migrations, models

NAME = "conversations_conversation_scheduled_in_range"
RANGE = (
    "scheduled_at >= '2000-01-01 00:00:00+00' "
    "AND scheduled_at < '2100-01-01 00:00:00+00'"
)
ADD = (
    f"ALTER TABLE conversations_conversation ADD CONSTRAINT {NAME} "
    f"CHECK ({RANGE}) NOT VALID",
    f"""
    DO $$
    BEGIN
        IF EXISTS (SELECT 1 FROM conversations_conversation WHERE NOT ({RANGE})) THEN
            RAISE WARNING 'conversations dated outside 2000-2100 remain: repair them, then VALIDATE CONSTRAINT {NAME}';
        ELSE
            ALTER TABLE conversations_conversation VALIDATE CONSTRAINT {NAME};
        END IF;
    END
    $$
    """,  # noqa: S608 - built from the constants above
)
DROP = f"ALTER TABLE conversations_conversation DROP CONSTRAINT {NAME}"


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0004_employees_and_team_leads_by_role"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddConstraint(
                    model_name="conversation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            scheduled_at__gte=datetime.datetime(
                                2000, 1, 1, tzinfo=datetime.UTC
                            ),
                            scheduled_at__lt=datetime.datetime(
                                2100, 1, 1, tzinfo=datetime.UTC
                            ),
                        ),
                        name=NAME,
                        violation_error_message=(
                            "Deze datum kan niet: kies een datum tussen 2000 en 2100."
                        ),
                    ),
                ),
            ],
        ),
    ]
