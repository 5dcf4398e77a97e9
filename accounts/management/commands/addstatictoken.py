"""Replaces django-otp's ``addstatictoken``: the same, audited (accounts before it)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services.second_factor import recovery_code_add


class Command(BaseCommand):
    help = (
        "Give a user one more single-use recovery code (printed); made at random "
        "unless given. Recorded in the audit trail, never with the code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-t",
            "--token",
            dest="token",
            help="The code to add (1-16 letters, digits).",
        )
        parser.add_argument("username", help="The user to give the code to.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = recovery_code_add(
                username=options["username"], code=options.get("token")
            )
        except User.DoesNotExist as error:
            raise CommandError(f"no user {options['username']!r}") from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(code)
