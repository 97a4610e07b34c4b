"""Replace the signing key; the old public key stays published."""

from django.core.management.base import BaseCommand

from editorial.signing import keys


class Command(BaseCommand):
    help = (
        "Write a new Ed25519 key to SIGNING_KEY_FILE and publish it; the old key's public "
        "half stays at /review-keys.json with the end of its validity."
    )

    def handle(self, *args, **options):
        old, new = keys.rotate()
        if old:
            self.stdout.write(f"Key {old} retired (its public key stays published).")
        self.stdout.write(self.style.SUCCESS(f"Signing with key {new} from now on."))
