"""Roll up the board's insights day by day, with a progress bar: what the sweep does a few
days at a time, for every day at once. ``--rebuild`` deletes the roll-ups first (after a
change of time zone, or rows changed behind the services' back)."""

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from editorial.insights import rollups


class Command(BaseCommand):
    help = (
        "Write the insights' daily roll-ups: days changed since the last run, from then to "
        "today, and every day never rolled up. --rebuild starts again from nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Delete every roll-up and roll up every day."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, rebuild=False, no_progress=False, **options):
        now = timezone.now()
        if rebuild:
            rollups.clear()
            days = rollups.every_day(timezone.localdate(now))
        else:
            days = rollups.days_due(now, backfill=None)
        with tqdm(
            total=len(days), desc="Days", unit="day", file=sys.stderr, disable=no_progress
        ) as bar:
            written = rollups.roll_up_days(days, progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rolled up {written} day(s) in {timezone.get_current_timezone_name()}"
                f"{f', {len(days) - written} left to another run' if written < len(days) else ''}."
            )
        )
