"""Fix the search path of the rule texts' guard, as on every function of the project.

A function that takes its caller's search path looks in the caller's temporary
schema first; a fixed ``public, pg_temp`` names that schema last.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules", "0004_admins_publish_rule_texts")]

    operations = [
        migrations.RunSQL(
            "ALTER FUNCTION rules_ruletext_refuse_change() "
            "SET search_path = public, pg_temp;",
            reverse_sql="ALTER FUNCTION rules_ruletext_refuse_change() "
            "RESET search_path;",
        )
    ]
