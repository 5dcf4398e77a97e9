from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.anchors import anchor_file, read_anchors
from audit.services import audit_seal
from audit.verification import verify_trail


class Command(BaseCommand):
    help = (
        "Check the whole audit trail: positions without gaps, every link, every "
        "event's hash, and the chain head against the outside anchors. "
        "Exit 0 when intact, 1 naming the first broken event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors",
            type=Path,
            help=f"the anchor file (default: AUDIT_ANCHOR_FILE, now {anchor_file()})",
        )
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="do not chain waiting events before checking",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seal"]:
            while audit_seal():
                pass
        report = verify_trail(read_anchors(options["anchors"]))
        if report.intact:
            self.stdout.write(report.summary())
            return
        self.stderr.write(report.summary())
        raise SystemExit(1)
