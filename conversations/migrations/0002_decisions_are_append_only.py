"""Make PostgreSQL refuse to change or remove a recorded decision.

A decision is never edited: a correction is a new decision that supersedes the old
one (docs/design.md, invariants). The guard fires for every role, superusers and
``session_replication_role = replica`` included (uwvrec.db.operations).
"""

from django.db import migrations

from uwvrec.db.operations import GuardAppendOnly


class Migration(migrations.Migration):
    dependencies = [("conversations", "0001_initial")]

    operations = [GuardAppendOnly("conversations_decision")]
