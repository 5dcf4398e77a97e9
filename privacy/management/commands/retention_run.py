from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from privacy.schedule import SCHEDULE
from privacy.services.retention import retention_run


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 10_000:
        raise ArgumentTypeError(f"expected a number from 1 to 10000, not {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Apply the retention schedule: remove what is past its period and not "
        "under a legal hold, in batches, as the nightly task does; each batch and "
        "the run are recorded in the audit trail. Stopped half-way, run it again: "
        "it goes on with what is left."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="count what would be removed, remove nothing",
        )
        parser.add_argument(
            "--batch-size",
            type=_positive,
            help="rows per transaction (default: RETENTION_BATCH_SIZE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = retention_run(
                dry_run=options["dry_run"], batch_size=options["batch_size"]
            )
        except DatabaseError as error:
            raise CommandError(f"the retention run stopped: {error}") from error
        verb = "would remove" if report.dry_run else "removed"
        for kind in SCHEDULE:
            self.stdout.write(f"{kind.code}: {verb} {report.removed[kind.code]}")
