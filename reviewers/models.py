"""The Medical Advisory Board: the people who review. Knows articles (topics), nothing of
the workflow."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from articles.orcid import OrcidField


class BoardMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class BoardMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_member"
    )
    display_name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    credentials = models.CharField(max_length=150, help_text='For example "MD, Neurology".')
    specialties = models.ManyToManyField("articles.Topic", blank=True, related_name="experts")
    bio = models.TextField(blank=True, max_length=2000)
    is_active = models.BooleanField("active", default=True)
    max_open_assignments = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    orcid = OrcidField()
    wants_daily_digest = models.BooleanField(
        default=True, help_text="A morning email listing this member's open reviews."
    )

    objects = BoardMemberQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return f"{self.display_name}, {self.credentials}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.display_name)[:160]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviewers:board") + f"#{self.slug}"

    def public_snapshot(self):
        """What an article keeps of its reviewer (``Article.reviewed_by``)."""
        return {
            "id": self.pk,
            "name": self.display_name,
            "credentials": self.credentials,
            "slug": self.slug,
            "orcid": self.orcid,
        }


class ConflictKind(models.TextChoices):
    TOPIC = "topic", "Topic"
    AUTHOR = "author", "Author"
    ARTICLE = "article", "Article"


class ConflictOfInterestQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def covering(self, *, article, author_ids):
        """Active declarations that bar their member from reviewing ``article``, written
        by ``author_ids``."""
        return self.active().filter(
            models.Q(topic_id=article.topic_id)
            | models.Q(article_id=article.pk)
            | models.Q(author_id__in=list(author_ids))
        )


class ConflictOfInterest(models.Model):
    """A board member's declaration that they should not review a topic, an author's work,
    or one article. Declared and revoked through ``editorial.services``, which audits both;
    a revoked declaration stays on record."""

    member = models.ForeignKey(BoardMember, on_delete=models.PROTECT, related_name="conflicts")
    kind = models.CharField(max_length=10, choices=ConflictKind.choices)
    topic = models.ForeignKey(
        "articles.Topic", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(max_length=2000)
    declared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ConflictOfInterestQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = "conflict of interest"
        verbose_name_plural = "conflicts of interest"
        constraints = [
            # Exactly the field that matches the kind is set.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=ConflictKind.TOPIC,
                        topic__isnull=False,
                        author__isnull=True,
                        article__isnull=True,
                    )
                    | models.Q(
                        kind=ConflictKind.AUTHOR,
                        topic__isnull=True,
                        author__isnull=False,
                        article__isnull=True,
                    )
                    | models.Q(
                        kind=ConflictKind.ARTICLE,
                        topic__isnull=True,
                        author__isnull=True,
                        article__isnull=False,
                    )
                ),
                name="conflict_one_subject",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="conflict_has_reason"),
            models.UniqueConstraint(
                fields=["member", "topic"],
                condition=models.Q(revoked_at__isnull=True, kind=ConflictKind.TOPIC),
                name="conflict_unique_topic",
            ),
            models.UniqueConstraint(
                fields=["member", "author"],
                condition=models.Q(revoked_at__isnull=True, kind=ConflictKind.AUTHOR),
                name="conflict_unique_author",
            ),
            models.UniqueConstraint(
                fields=["member", "article"],
                condition=models.Q(revoked_at__isnull=True, kind=ConflictKind.ARTICLE),
                name="conflict_unique_article",
            ),
        ]

    def __str__(self):
        return f"{self.member.display_name}: {self.get_kind_display().lower()} {self.subject}"

    @property
    def subject(self):
        if self.kind == ConflictKind.AUTHOR:
            return self.author.get_full_name() or self.author.get_username()
        return self.topic if self.kind == ConflictKind.TOPIC else self.article

    @property
    def is_active(self):
        return self.revoked_at is None
