"""One sweep in the foreground: the same code beat runs, for cron where no worker runs."""

from django.core.management.base import BaseCommand

from editorial.notifications import delivery
from editorial.sweep import run_sweep
from editorial.webhooks import delivery as webhook_delivery


class Command(BaseCommand):
    help = (
        "Run one reminder/re-review sweep, send what it claimed (and any notification left "
        "unsent) before exiting, and print the counts."
    )

    def handle(self, *args, **options):
        result = run_sweep()
        self.stdout.write(f"Sweep: {result.summary()}")
        sent = failed = skipped = 0
        for index, notification_id in enumerate(result.queued, start=1):
            try:
                if delivery.notification_send(notification_id):
                    sent += 1
                else:
                    skipped += 1  # sent or claimed by a worker meanwhile
            except Exception as error:  # noqa: BLE001 - report, keep going; the row stays unsent
                failed += 1
                self.stderr.write(f"  notification {notification_id} failed: {error}")
            if index % 100 == 0:
                self.stdout.write(f"  {index}/{len(result.queued)} processed")
        self.stdout.write(
            self.style.SUCCESS(f"Emails sent: {sent}, already handled: {skipped}, failed: {failed}")
        )
        for delivery_id in result.webhooks_queued:
            webhook_delivery.webhook_send(delivery_id)
        if failed:
            raise SystemExit(1)
