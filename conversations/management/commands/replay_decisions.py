from django.core.management.base import BaseCommand

from conversations.services.replay import decisions_replay


class Command(BaseCommand):
    help = (
        "Decide every stored decision again under its own policy version and report "
        "any that would now come out differently (exit status 1)."
    )

    def handle(self, *args: object, **options: object) -> None:
        result = decisions_replay()
        for difference in result.differing:
            self.stderr.write(
                f"decision {difference.decision_id} (conversation "
                f"{difference.conversation_id}) differs: stored {difference.stored}, "
                f"now {difference.replayed}"
            )
        if result.differing:
            self.stderr.write(
                f"{len(result.differing)} of {result.checked} decisions differ."
            )
            raise SystemExit(1)
        self.stdout.write(
            f"{result.checked} decisions replayed: every one comes out the same."
        )
