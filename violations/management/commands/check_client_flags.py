from typing import Any

from django.core.management.base import BaseCommand

from violations.consistency import client_flag_mismatches


class Command(BaseCommand):
    help = (
        "Check that every client's stored flag is what its violation reports say "
        "(the most recent confirmed, not withdrawn one). Exit 0 when all agree; "
        "1 listing each client that differs, by its pseudonym (never a BSN), with "
        "the flag expected and the flag stored."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = client_flag_mismatches()
        for mismatch in mismatches:
            self.stderr.write(mismatch.summary())
        if mismatches:
            self.stderr.write(
                f"client flags WRONG: {len(mismatches)} clients' stored flags "
                "differ from their reports."
            )
            raise SystemExit(1)
        self.stdout.write(
            "client flags correct: every client's stored flag is what its reports say."
        )
