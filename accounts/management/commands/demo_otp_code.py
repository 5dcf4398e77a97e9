"""Print the current code of a demo user's authenticator app (``make run`` only)."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import DEMO_USERS, demo_app_of, demo_code


class Command(BaseCommand):
    help = (
        "Print the code the authenticator app of a demo user (teamleider, auditor, "
        "beheerder) shows now, to log in to the demo without a phone. Development "
        "and tests only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="a demo user with an app")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "demo_otp_code is refused under production settings "
                "(DJANGO_DEMO_DATA_ALLOWED is not true): it would print a second "
                "factor's code."
            )
        device = demo_app_of(options["username"])
        if device is None:
            names = ", ".join(
                demo.username for demo in DEMO_USERS if demo_app_of(demo.username)
            )
            raise CommandError(
                f"{options['username']!r} is no demo user with an authenticator app "
                f"(those are: {names or 'none; run manage.py load_demo_data'})."
            )
        code = demo_code(device, time.time())
        if code is None:
            raise CommandError(
                "This code was just used; ask again in a few seconds for the next."
            )
        self.stdout.write(code)
