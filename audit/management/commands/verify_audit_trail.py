from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.anchor_file import anchor_file
from audit.services.verify import audit_verify


class Command(BaseCommand):
    help = (
        "Check the whole audit trail: positions without gaps, every link, every "
        "event's hash, and the chain head against the outside anchors. "
        "Exit 0 when intact, 1 naming the first broken event. The result is "
        "recorded in the trail (audit.trail_verified), and a break is mailed to "
        "the auditors, as the nightly check does."
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
        report = audit_verify(anchors=options["anchors"], seal=not options["no_seal"])
        if report.intact:
            self.stdout.write(report.summary())
            return
        self.stderr.write(report.summary())
        raise SystemExit(1)
