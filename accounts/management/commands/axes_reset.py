"""Replaces axes' ``axes_reset``: the same, audited (accounts before axes)."""

from typing import Any

from accounts.management.commands._lockouts import LiftCommand


class Command(LiftCommand):
    help = "Reset all access attempts and lockouts; every lock lifted is audited."

    def handle(self, *args: Any, **options: Any) -> None:
        self.report(self.lift())
