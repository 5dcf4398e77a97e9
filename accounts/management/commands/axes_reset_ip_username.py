"""Replaces axes' ``axes_reset_ip_username``: the same, audited (accounts first)."""

from typing import Any

from django.core.management.base import CommandParser

from accounts.management.commands._lockouts import LiftCommand


class Command(LiftCommand):
    help = (
        "Reset all access attempts and lockouts for a given IP address and "
        "username (as typed); every lock lifted is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ip", type=str)
        parser.add_argument("username", type=str)

    def handle(self, *args: Any, **options: Any) -> None:
        self.report(self.lift(ip=options["ip"], username=options["username"]))
