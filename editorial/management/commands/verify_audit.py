"""Walk the audit chain and report the first entry that does not hold; with
``--checkpoints``, also check the log against checkpoints published earlier."""

from django.core.management.base import BaseCommand, CommandError

from editorial.audit import verify_chain
from editorial.models import AuditEntry
from editorial.signing import consistency


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit log; exit 1 naming the first broken entry. "
        "With --checkpoints, also detect tail truncation, a rewritten log and a forked log."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            metavar="FILE_OR_URL",
            help="checkpoints published earlier (a saved /audit/checkpoints.json, or its URL)",
        )

    def handle(self, *args, checkpoints=None, **options):
        total = AuditEntry.objects.count()
        self.stdout.write(f"Verifying {total} audit entries…")

        def progress(checked):
            self.stdout.write(f"  {checked}/{total} checked")

        checked, first_bad = verify_chain(progress=progress)
        problems = []
        if first_bad is not None:
            sequence, reason = first_bad
            problems.append(
                f"Audit chain broken at sequence {sequence}: {reason} "
                f"({checked} entries before it are intact)."
            )
        else:
            self.stdout.write(f"Hash chain intact: {checked} entries checked.")
        if checkpoints:
            problems.extend(self._check_published(checkpoints))
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries checked."))

    def _check_published(self, source):
        try:
            published = consistency.load_published(source)
        except (OSError, ValueError) as error:
            return [f"Cannot read the published checkpoints from {source}: {error}"]
        findings = consistency.check(published)
        if not findings:
            self.stdout.write(
                f"Consistent with {len(published)} published checkpoints: no truncation, "
                "no rewrite, no fork."
            )
        return [f"{finding.kind.upper()}: {finding.message}" for finding in findings]
