"""What axes' reset commands share here: lift through the audited service."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_ipv46_address

from accounts.lockouts import attempts_matching
from accounts.services import lockout_lift


class LiftCommand(BaseCommand):
    """An axes reset command whose lifting of locks lands in the audit trail."""

    def lift(self, *, username: str | None = None, ip: str | None = None) -> int:
        if ip is not None:
            try:
                validate_ipv46_address(ip)
            except ValidationError as error:
                raise CommandError(f"not an IP address: {ip!r}") from error
        attempts = attempts_matching(username=username, ip_address=ip)
        return lockout_lift(actor=None, attempts=attempts)

    def report(self, count: int) -> None:
        if count:
            self.stdout.write(f"{count} attempts removed.")
        else:
            self.stdout.write("No attempts found.")
