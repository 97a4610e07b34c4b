"""Daily roll-ups of the board's insights, written by the sweep (``editorial.insights.rollups``)
and read by the insights page for closed days.

A roll-up row is one sample that ended on one local day: a response, a review, an approval,
a reader report's triage or an escalation, with its exact duration in seconds, its reviewer,
its article, and what the page counts beside it (declined and why; reminders sent). It is
the narrow, already-joined form of the rows the page aggregates: the page computes every
figure from these rows in one statement (``editorial.insights.statistics``), so they are
the same figures as from the source rows themselves, and a topic is read through the
article's current topic. ``InsightsDay`` says which days are rolled up, in which time zone
and when: a day without one (the sweep has not run) is counted live."""

from django.db import models


class RollupMeasure(models.TextChoices):
    RESPONSE = "response", "Invitation → response"
    DECISION = "decision", "Acceptance → decision"
    APPROVAL = "approval", "Submission → approval"
    TRIAGE = "triage", "Reader report → triage"
    ESCALATION = "escalation", "Escalation to the chair"


# A roll-up row stores its measure as a small number: the page sorts and groups a year's
# samples (some 230,000 rows) by it, and integers compare several times faster than text.
MEASURE_CODES = {
    RollupMeasure.RESPONSE: 1,
    RollupMeasure.DECISION: 2,
    RollupMeasure.APPROVAL: 3,
    RollupMeasure.TRIAGE: 4,
    RollupMeasure.ESCALATION: 5,
}
MEASURE_BY_CODE = {code: measure for measure, code in MEASURE_CODES.items()}


class InsightsDay(models.Model):
    """One local day of one time zone, rolled up at ``computed_at``. A day rolled up before
    it ended is incomplete: the page counts it live until a later sweep rolls it up again."""

    time_zone = models.CharField(max_length=64)
    day = models.DateField()
    computed_at = models.DateTimeField()
    samples = models.PositiveIntegerField(default=0)  # its roll-up rows, one per sample

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["time_zone", "day"], name="insights_day_unique")
        ]

    def __str__(self):
        return f"{self.day} ({self.time_zone}), rolled up {self.computed_at:%Y-%m-%d %H:%M}"


class InsightsRollup(models.Model):
    """One sample of ``measure`` that ended on ``day`` and took ``seconds``."""

    rollup_day = models.ForeignKey(InsightsDay, on_delete=models.CASCADE, related_name="rollups")
    day = models.DateField()
    month = models.DateField()  # the first of ``day``'s month: the page groups by it
    measure = models.PositiveSmallIntegerField(
        choices=[(code, measure.label) for measure, code in MEASURE_CODES.items()]
    )
    reviewer = models.ForeignKey(
        "reviewers.BoardMember", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A topic filter reads the article's topic now: an article can move to another topic.
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    seconds = models.FloatField(null=True, blank=True)  # none for an escalation
    declined = models.BooleanField(default=False)  # responses only
    reason = models.CharField(max_length=500, blank=True)  # a decline's, trimmed
    reminders = models.PositiveIntegerField(default=0)  # sent about this review (decisions)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(measure__in=list(MEASURE_CODES.values())),
                name="insights_rollup_measure_valid",
            )
        ]
        indexes = [
            # The decline reasons read only the declined responses of the period's days.
            models.Index(
                fields=["rollup_day"],
                condition=models.Q(declined=True),
                name="insights_rollup_declined_idx",
            )
        ]

    def __str__(self):
        return f"{self.day} {MEASURE_BY_CODE[self.measure]}: {self.seconds} s"
