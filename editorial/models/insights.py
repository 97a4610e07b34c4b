"""Daily roll-ups of the board's insights, written by the sweep (``editorial.insights.rollups``)
and read by the insights page for closed days.

A roll-up row counts the samples that ended on one local day with one exact duration (and,
for responses, one reviewer, declined or not, and the decline reason): a histogram keyed by
the exact duration, so medians and 90th percentiles computed from it are the same figures
as from the rows themselves. ``InsightsDay`` says which days are rolled up, in which time
zone and when: a day without one (the sweep has not run) is counted live."""

from django.db import models


class RollupMeasure(models.TextChoices):
    RESPONSE = "response", "Invitation → response"
    DECISION = "decision", "Acceptance → decision"
    APPROVAL = "approval", "Submission → approval"
    TRIAGE = "triage", "Reader report → triage"
    ESCALATION = "escalation", "Escalation to the chair"


class InsightsDay(models.Model):
    """One local day of one time zone, rolled up at ``computed_at``. A day rolled up before
    it ended is incomplete: the page counts it live until a later sweep rolls it up again."""

    time_zone = models.CharField(max_length=64)
    day = models.DateField()
    computed_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)  # its roll-up rows
    samples = models.PositiveIntegerField(default=0)  # the samples they count

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["time_zone", "day"], name="insights_day_unique")
        ]

    def __str__(self):
        return f"{self.day} ({self.time_zone}), rolled up {self.computed_at:%Y-%m-%d %H:%M}"


class InsightsRollup(models.Model):
    """``samples`` samples of ``measure`` that ended on ``day`` and took ``seconds``."""

    rollup_day = models.ForeignKey(InsightsDay, on_delete=models.CASCADE, related_name="rollups")
    day = models.DateField()
    measure = models.CharField(max_length=10, choices=RollupMeasure.choices)
    reviewer = models.ForeignKey(
        "reviewers.BoardMember", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    seconds = models.FloatField(null=True, blank=True)  # none for an escalation
    declined = models.BooleanField(default=False)  # responses only
    reason = models.CharField(max_length=500, blank=True)  # a decline's, trimmed
    samples = models.PositiveIntegerField()
    reminders = models.PositiveIntegerField(default=0)  # sent about these reviews (decisions)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(measure__in=RollupMeasure.values),
                name="insights_rollup_measure_valid",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.measure}: {self.samples} × {self.seconds} s"
