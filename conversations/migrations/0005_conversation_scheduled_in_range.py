"""Conversations are stored only between 2000 and 2100 (UTC).

The services plan conversations in a narrower range (``conversations.schedule``);
this CHECK is the last line, for a writer that bypasses them. It keeps out the
moments PostgreSQL can store but Python cannot read back (a timestamp BC, or one
that overflows when moved into Europe/Amsterdam), which broke every page and the
admin's list of conversations.

A row stored before this check existed with a moment outside that range cannot
be read at all (every page of it, and the admin's list, fail), and nobody but a
person knows the date that was meant. Such a row is moved to ``REPAIRED_AT``
(1 January 2000, before the first recording policy), so that its pages open and
say that no rules apply to its date, and the employee cancels it or moves it to
the right date; the date first given stays in the audit trail
(``conversation.registered``). The migration warns with the number of rows moved.
"""

import datetime

from django.db import migrations, models

NAME = "conversations_conversation_scheduled_in_range"
RANGE = (
    "scheduled_at >= '2000-01-01 00:00:00+00' "
    "AND scheduled_at < '2100-01-01 00:00:00+00'"
)
REPAIRED_AT = "2000-01-01 00:00:00+00"
ADD = (
    f"ALTER TABLE conversations_conversation ADD CONSTRAINT {NAME} "
    f"CHECK ({RANGE}) NOT VALID",
    f"""
    DO $$
    DECLARE
        moved integer;
    BEGIN
        UPDATE conversations_conversation SET scheduled_at = '{REPAIRED_AT}'
            WHERE NOT ({RANGE});
        GET DIAGNOSTICS moved = ROW_COUNT;
        IF moved > 0 THEN
            RAISE WARNING '% conversation(s) dated outside 2000-2100 moved to 1 January 2000: cancel or reschedule them', moved;
        END IF;
        ALTER TABLE conversations_conversation VALIDATE CONSTRAINT {NAME};
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
