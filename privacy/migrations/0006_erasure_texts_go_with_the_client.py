"""A client removed (by retention or by an erasure) takes the free text of their
erasure requests along: the reason and the reason of a decline. What stays of a
request is the pseudonym, who asked and decided, when, and the counts.
"""

from django.conf import settings
from django.db import migrations, models

CLIENT_TEXTS = """
CREATE FUNCTION privacy_client_removed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE privacy_erasurerequest
       SET reason = '', declined_reason = '', client_id = NULL
     WHERE client_id = OLD.id;
    RETURN OLD;
END;
$$;
CREATE TRIGGER privacy_client_removed BEFORE DELETE ON conversations_client
    FOR EACH ROW EXECUTE FUNCTION privacy_client_removed();
"""

CLIENT_TEXTS_BEFORE = """
DROP TRIGGER privacy_client_removed ON conversations_client;
DROP FUNCTION privacy_client_removed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0007_client_flag"),
        ("privacy", "0005_erasure"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="erasurerequest",
            name="privacy_erasure_declined_with_reason",
        ),
        migrations.AddConstraint(
            model_name="erasurerequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "declined"), _negated=True),
                    models.Q(
                        ("approved_at__isnull", True),
                        ("declined_at__isnull", False),
                        ("declined_by__isnull", False),
                        models.Q(
                            models.Q(("declined_reason", ""), _negated=True),
                            ("client__isnull", True),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="privacy_erasure_declined_with_reason",
            ),
        ),
        migrations.RunSQL(sql=CLIENT_TEXTS, reverse_sql=CLIENT_TEXTS_BEFORE),
    ]
