"""Walk the audit chain and report the first entry that does not hold."""

from django.core.management.base import BaseCommand, CommandError

from editorial.audit import verify_chain
from editorial.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exit 1 naming the first broken entry."

    def handle(self, *args, **options):
        total = AuditEntry.objects.count()
        self.stdout.write(f"Verifying {total} audit entries…")

        def progress(checked):
            self.stdout.write(f"  {checked}/{total} checked")

        checked, first_bad = verify_chain(progress=progress)
        if first_bad is not None:
            sequence, reason = first_bad
            raise CommandError(
                f"Audit chain broken at sequence {sequence}: {reason} "
                f"({checked} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries checked."))
