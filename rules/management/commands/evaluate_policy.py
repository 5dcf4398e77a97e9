"""Evaluate recording-policy requests given as JSON, without a database.

Usage: ``python manage.py evaluate_policy [FILE]``; reads standard input when no
FILE is given. The contract is docs/policy.md, "The machine-readable contract".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from rules.engine.contract import ContractError, evaluate_document, load_document

# Bad input exits with 2, the status argparse uses for a usage error.
BAD_INPUT_STATUS = 2


class Command(BaseCommand):
    """Print one JSON decision per request, or one JSON error object."""

    help = (
        "Read one recording-policy request (a JSON object) or an array of them "
        "from FILE or standard input, and print the decisions as JSON."
    )
    # The engine is pure: no system checks and no migration checks, so that the
    # command runs where no database is reachable.
    requires_system_checks: list[str] = []  # noqa: RUF012 - Django's own attribute
    requires_migrations_checks = False

    def create_parser(
        self, prog_name: str, subcommand: str, **kwargs: Any
    ) -> CommandParser:
        """Report a usage error as the same JSON error object as bad input.

        Only from the command line: call_command() keeps Django's CommandError.
        """
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if parser.called_from_command_line:
            parser.error = self._usage_error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        """Take an optional FILE; standard input otherwise."""
        parser.add_argument(
            "file",
            nargs="?",
            metavar="FILE",
            help="JSON file to read (default: standard input)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Decide every request, then print all decisions or a single error."""
        try:
            document = load_document(_read(options["file"]))
            result = evaluate_document(document, today=timezone.localdate())
        except ContractError as error:
            self._fail(error)
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    def _usage_error(self, message: str) -> NoReturn:
        self._fail(ContractError(message))

    def _fail(self, error: ContractError) -> NoReturn:
        # Written raw: a terminal colour code would make the JSON unreadable.
        self.stderr.write(
            json.dumps(error.as_json(), ensure_ascii=False), style_func=_plain
        )
        raise SystemExit(BAD_INPUT_STATUS)


def _read(file: str | None) -> bytes:
    """Return the raw bytes of FILE, or of standard input."""
    if file is None:
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ContractError(f"cannot read {file!r}: {reason}", "FILE") from None


def _plain(text: str) -> str:
    return text
