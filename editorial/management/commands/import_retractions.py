"""Load a Retraction Watch snapshot (CSV). Idempotent: run it again with the same or a
newer snapshot. The next sweep opens a re-review of every approved article that cites a
work retracted since the previous import."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.retraction_import import SnapshotError, import_snapshot


class Command(BaseCommand):
    help = "Import a Retraction Watch CSV snapshot of retracted works, printing counts."

    def add_arguments(self, parser):
        parser.add_argument("csv", help="Path of the Retraction Watch CSV file.")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress bar."
        )

    def handle(self, *args, csv, no_progress=False, **options):
        bar = tqdm(unit=" rows", disable=no_progress, file=self.stderr._out, leave=False)
        seen = 0

        def progress(rows):
            nonlocal seen
            bar.update(rows - seen)
            seen = rows

        try:
            # utf-8-sig: the published file may start with a byte-order mark.
            with open(csv, encoding="utf-8-sig", newline="") as stream:
                result = import_snapshot(stream, progress=progress)
        except OSError as error:
            raise CommandError(f"Cannot read {csv}: {error.strerror}.") from error
        except (SnapshotError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        for line, message in result.problems:
            self.stderr.write(f"line {line}: {message}; row skipped")
        self.stdout.write(self.style.SUCCESS(f"Retractions: {result.summary()}."))
