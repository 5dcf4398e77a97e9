"""Check that the figures' rollup equals a count over the raw tables."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from figures.consistency import rollup_differences


class Command(BaseCommand):
    help = "Check that the figures' rollup equals a count over the raw tables."

    def handle(self, *args: Any, **options: Any) -> None:
        differences = rollup_differences()
        if differences:
            for row in differences[:20]:
                self.stderr.write(f"differs: {row}")
            raise CommandError(
                f"the figures' rollup differs from the raw tables in "
                f"{len(differences)} cells"
            )
        self.stdout.write("the figures' rollup equals the raw tables")
