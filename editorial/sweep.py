"""The periodic sweep: beat runs it every 15 minutes, ``manage.py send_reminders`` runs the
same code once in the foreground. It is window-based (everything owed up to ``now``), so a
sweep that did not run for days still sends what is owed, once."""

import logging
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from articles import page_cache
from articles.models import Article
from editorial import services
from editorial.errors import WorkflowError
from editorial.insights import rollups
from editorial.models import OPEN_STATES, EditorialPolicy, SweepRun
from editorial.notifications import outbox
from editorial.reminders import claims, digests
from editorial.signing import checkpoints
from editorial.webhooks import outbox as webhook_outbox

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
RE_REVIEW_REASON = "Scheduled re-review: the next review date ({due}) has been reached."


@dataclass
class SweepResult:
    re_reviews_opened: int = 0
    retraction_re_reviews: int = 0
    reminders_claimed: int = 0
    reminders_superseded: int = 0
    escalations_claimed: int = 0
    digests_claimed: int = 0
    outbox_resent: int = 0
    page_changes_pruned: int = 0
    insights_days_rolled_up: int = 0
    checkpoint: str = ""
    queued: list = field(default_factory=list, repr=False)
    webhooks_queued: list = field(default_factory=list, repr=False)

    def summary(self):
        return (
            f"re-reviews opened: {self.re_reviews_opened} "
            f"(+{self.retraction_re_reviews} for a retracted citation), "
            f"reminders claimed: {self.reminders_claimed} "
            f"(+{self.reminders_superseded} superseded), "
            f"escalations: {self.escalations_claimed}, "
            f"digests: {self.digests_claimed}, "
            f"unsent notifications re-queued: {self.outbox_resent}, "
            f"webhook deliveries due: {len(self.webhooks_queued)}, "
            f"page-cache change rows pruned: {self.page_changes_pruned}, "
            f"insights days rolled up: {self.insights_days_rolled_up}, "
            f"audit log: {self.checkpoint}"
        )


def articles_due_for_re_review(today):
    return (
        Article.objects.published()
        .filter(next_review_due__lte=today)
        .exclude(submissions__state__in=OPEN_STATES)
        .order_by("next_review_due", "pk")
    )


def open_due_re_reviews(now, result):
    today = timezone.localdate(now)
    for article in articles_due_for_re_review(today)[:BATCH_SIZE].iterator():
        try:
            services.submission_open_re_review(
                article=article, reason=RE_REVIEW_REASON.format(due=article.next_review_due)
            )
        except WorkflowError as error:  # another sweep or an author got there first
            logger.info("Re-review of %s not opened: %s", article.slug, error.message)
            continue
        result.re_reviews_opened += 1


def resend_stale_outbox(now, result):
    stale = list(outbox.stale_unsent(now).values_list("pk", flat=True)[:BATCH_SIZE])
    result.outbox_resent += len(stale)
    result.queued.extend(stale)


def queue_due_webhooks(now, result):
    """Webhook deliveries whose retry is due (or whose queueing after commit was lost)."""
    result.webhooks_queued.extend(
        webhook_outbox.due(now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )


def run_sweep(*, now=None):
    """One sweep. Returns a ``SweepResult``; ``result.queued`` lists outbox rows that the
    caller must send (the Celery task queues them; the command sends them itself). Records
    a ``SweepRun`` with what it did (or the error it stopped on)."""
    now = now or timezone.now()
    started = timezone.now()
    result = SweepResult()
    try:
        policy = EditorialPolicy.load()
        open_due_re_reviews(now, result)
        result.retraction_re_reviews = services.retractions_open_re_reviews(now=now)
        claims.sweep_reminders(now=now, policy=policy, result=result)
        digests.sweep_digests(now=now, result=result)
        resend_stale_outbox(now, result)
        queue_due_webhooks(now, result)
        # Invalidation rows no web process can still need (they grow with every write).
        result.page_changes_pruned = page_cache.prune()
        result.checkpoint = checkpoints.sweep_checkpoint(now=now)
        result.insights_days_rolled_up = rollups.sweep_rollups(now=now)
    except Exception as error:
        _record(started, result, error=f"{error.__class__.__name__}: {error}")
        raise
    _record(started, result)
    return result


RUNS_KEPT = timedelta(days=30)


def _record(started, result, *, error=""):
    counts = {name: value for name, value in asdict(result).items() if not isinstance(value, list)}
    finished = timezone.now()
    SweepRun.objects.create(
        started_at=started, finished_at=finished, counts=counts, error=error[:2000]
    )
    SweepRun.objects.filter(finished_at__lt=finished - RUNS_KEPT).delete()


@dataclass
class SweepHealth:
    last: SweepRun | None
    stale: bool
    max_age: timedelta


def sweep_health(now=None):
    """The last sweep, and whether it is stale: more than two intervals old (beat or the
    worker is not running). No sweep yet (a new installation) is not stale."""
    now = now or timezone.now()
    max_age = timedelta(seconds=2 * settings.SWEEP_INTERVAL_SECONDS)
    last = SweepRun.objects.order_by("-finished_at").first()
    return SweepHealth(
        last=last, stale=bool(last and now - last.finished_at > max_age), max_age=max_age
    )
