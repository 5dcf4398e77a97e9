"""Make PostgreSQL refuse to change or remove a step in a report's history.

Nothing about a violation is deleted or rewritten: a withdrawal is a new event
(docs/architecture.md, Violations). The guard fires for every role.
"""

from django.db import migrations

from uwvrec.db.operations import GuardAppendOnly


class Migration(migrations.Migration):
    dependencies = [("violations", "0001_initial")]

    operations = [GuardAppendOnly("violations_violationevent")]
