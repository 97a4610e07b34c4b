"""Notices on an approved article: a correction, an update, an expression of concern or
the retraction of the article. Each is dated, gives its reason, and is shown at the top of
the page, in the review history and in the Atom feed; none is ever silently applied. The
editorial services write them (``editorial.services.notice_issue``)."""

from django.db import models
from django.utils import timezone


class NoticeKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    UPDATE = "update", "Update"
    EXPRESSION_OF_CONCERN = "expression_of_concern", "Expression of concern"
    RETRACTION = "retraction", "Retraction"


class Notice(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    reason = models.TextField(max_length=4000)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.CharField(max_length=200, help_text="Printed name of who issued it.")

    class Meta:
        app_label = "articles"
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["article", "-issued_at"], name="notice_article_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values), name="notice_kind_valid"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="notice_has_reason"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article.slug} ({self.issued_at:%Y-%m-%d})"

    @property
    def is_retraction(self):
        return self.kind == NoticeKind.RETRACTION


def notices_for(article):
    """The article's notices, newest first: the one read the reader page, the feed and the
    signed review record share."""
    return list(Notice.objects.filter(article=article).order_by("-issued_at", "-pk"))
