from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.access import PRIVILEGED_ROLES
from accounts.demo import DEMO_PASSWORD, demo_data_load
from conversations.demo import conversations_demo_load
from violations.demo import violations_demo_load


class Command(BaseCommand):
    help = (
        "Load every app's demo data: teams and users, today's conversations, "
        "violation reports (development only; idempotent)."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data is refused under production settings "
                "(DJANGO_DEMO_DATA_ALLOWED is not true): it creates logins with a "
                "published password."
            )
        users = demo_data_load()
        conversations = conversations_demo_load()
        violations = violations_demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Logins:"))
        for user in users:
            self.stdout.write(
                f"  {user.role.label!s:<24} {user.username} / {DEMO_PASSWORD}"
            )
        with_app = [user.username for user in users if user.role in PRIVILEGED_ROLES]
        self.stdout.write(
            f"  {', '.join(with_app)} also pass a second factor: the code their "
            "authenticator app shows now is printed by\n"
            "    .venv/bin/python manage.py demo_otp_code USERNAME"
        )
        if settings.OTP_WEBAUTHN_RP_ID:
            origins = ", ".join(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
            self.stdout.write(
                f"  On {origins} they can add a passkey on the page Tweede factor "
                "and use it instead of a code."
            )
        if conversations:
            self.stdout.write(f"  {conversations} demo conversations for today.")
        if violations:
            self.stdout.write(f"  {violations} demo violation reports.")
