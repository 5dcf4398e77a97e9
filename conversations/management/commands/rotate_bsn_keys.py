from django.core.management.base import BaseCommand

from conversations.services import client_keys_rotate


class Command(BaseCommand):
    help = (
        "Encrypt every stored BSN again with the first key of BSN_ENCRYPTION_KEYS. "
        "Run it after putting a new key first; then the old keys can be removed."
    )

    def handle(self, *args: object, **options: object) -> None:
        count = client_keys_rotate()
        self.stdout.write(f"{count} BSN's opnieuw versleuteld met de huidige sleutel.")
