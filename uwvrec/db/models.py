from django.apps import apps
from django.db import models


class AppendOnlyModel(models.Model):
    """A model whose rows are only ever inserted.

    Its migration must guard the table with ``GuardAppendOnly`` so that the database
    itself refuses UPDATE, DELETE and TRUNCATE, for every role, superusers included.
    """

    keep_on_flush = True

    class Meta:
        abstract = True


def tables_kept_on_flush() -> frozenset[str]:
    """Return the tables ``flush`` must leave alone (append-only and audit tables)."""
    return frozenset(
        model._meta.db_table
        for model in apps.get_models()
        if getattr(model, "keep_on_flush", False)
    )
