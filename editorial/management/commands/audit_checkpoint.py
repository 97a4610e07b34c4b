"""Sign a checkpoint of the audit log now (the sweep signs one every run)."""

from django.core.management.base import BaseCommand, CommandError

from editorial.signing import checkpoints


class Command(BaseCommand):
    help = "Sign a checkpoint of the audit log (size, head hash, Merkle root); exit 1 if refused."

    def handle(self, *args, **options):
        try:
            checkpoint = checkpoints.write_checkpoint()
        except checkpoints.LogInconsistent as error:
            raise CommandError(f"Checkpoint refused: {error}.") from error
        if checkpoint is None:
            self.stdout.write("The audit log is empty: nothing to sign.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint {checkpoint.number} signed with key {checkpoint.key_id}: "
                f"{checkpoint.tree_size} entries, head {checkpoint.head_hash[:16]}…, "
                f"Merkle root {checkpoint.root_hash}."
            )
        )
