"""What each sweep did and when: the scheduler made observable (``/healthz``, the chair's
admin index)."""

from django.db import models


class SweepRun(models.Model):
    """One sweep, recorded when it finishes (a sweep that crashed records its error)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(db_index=True)
    counts = models.JSONField(default=dict, help_text="What the sweep did, by kind.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"Sweep at {self.finished_at:%Y-%m-%d %H:%M}"
