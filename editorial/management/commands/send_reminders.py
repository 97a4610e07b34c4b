"""One sweep in the foreground: the same code beat runs, for cron where no worker runs."""

from django.core.management.base import BaseCommand

from editorial.notifications import delivery
from editorial.sweep import run_sweep
from editorial.webhooks import delivery as webhook_delivery


class Command(BaseCommand):
    help = (
        "Run one reminder/re-review sweep, send what it claimed (and any notification left "
        "unsent) before exiting, and print the counts. Exits 0 when the sweep ran, even if "
        "some emails failed (they are counted and shown in the admin)."
    )

    def handle(self, *args, **options):
        result = run_sweep()
        self.stdout.write(f"Sweep: {result.summary()}")
        sent = failed = given_up = skipped = 0
        for index, notification_id in enumerate(result.queued, start=1):
            try:
                if delivery.notification_send(notification_id):
                    sent += 1
                else:
                    skipped += 1  # sent or claimed by a worker meanwhile
            except delivery.NotificationFailedError as error:
                given_up += 1
                self.stderr.write(f"  notification {notification_id} given up: {error}")
            except Exception as error:  # noqa: BLE001 - report, keep going; the row stays unsent
                failed += 1
                self.stderr.write(f"  notification {notification_id} failed: {error}")
            if index % 100 == 0:
                self.stdout.write(f"  {index}/{len(result.queued)} processed")
        # The sweep did its work: failed emails are reported (and kept in the outbox, marked
        # failed once given up), not an exit status that makes cron report every run.
        counts = (
            f"Emails sent: {sent}, already handled: {skipped}, "
            f"failed (will retry): {failed}, given up: {given_up}"
        )
        for delivery_id in result.webhooks_queued:
            webhook_delivery.webhook_send(delivery_id)
        style = self.style.WARNING if failed or given_up else self.style.SUCCESS
        self.stdout.write(style(counts))
