"""Replaces axes' ``axes_reset_ip``: the same, audited (accounts before axes)."""

from typing import Any

from django.core.management.base import CommandParser

from accounts.management.commands._lockouts import LiftCommand


class Command(LiftCommand):
    help = (
        "Reset all access attempts and lockouts for given IP addresses; every "
        "lock lifted is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ip", nargs="+", type=str)

    def handle(self, *args: Any, **options: Any) -> None:
        self.report(sum(self.lift(ip=ip) for ip in options["ip"]))
