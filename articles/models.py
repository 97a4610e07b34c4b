"""Content: articles, their immutable revisions and references.

This module imports neither ``reviewers`` nor ``editorial``: the editorial services write the
public facts (published revision, review status, dates, reviewers) onto ``Article`` inside the
transaction of each transition, so the reader page needs nothing else.
"""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.orcid import OrcidField

DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
PMID_PATTERN = r"^\d{1,8}$"
# Revision fields added after revisions were first hashed: hashed only when not empty.
OPTIONAL_CONTENT_FIELDS = ("patient_summary", "patient_safety_note")


class RevisionLocked(Exception):  # noqa: N818 - reads as the state it reports
    """A submitted revision was about to be changed."""


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    re_review_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Shorter re-review interval for this topic; empty uses the editorial policy.",
    )
    publish_pending = models.BooleanField(
        "publish pending articles with a banner",
        default=False,
        help_text="Show this topic's submitted articles to readers, marked pending review and "
        "noindex, even when the editorial policy does not do so site-wide.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReCheck(models.TextChoices):
    """Why the board is looking again at an approved article it has not been sent an update
    for: what the reader page says instead of "an update is under review"."""

    NONE = "", "Not a re-check"
    SCHEDULED = "scheduled", "Scheduled re-review"
    READER_REPORT = "reader_report", "A reader's error report"
    RETRACTION = "retraction", "A cited study was retracted"


class ReviewStatus(models.TextChoices):
    """What readers are told about the newest review cycle (DESIGN: three public steps)."""

    NOT_SUBMITTED = "not_submitted", "Not submitted"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    APPROVED = "approved", "Approved"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_revision__isnull=False)


class Article(models.Model):
    slug = models.SlugField(max_length=200, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="articles")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # Public facts, written by the editorial services in the transaction of a transition.
    published_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.NOT_SUBMITTED
    )
    first_published_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    reviewed_by = models.JSONField(
        default=list,
        blank=True,
        help_text="Snapshot of the reviewers of the published revision: name, credentials, id.",
    )
    # The published revision was approved by the chair without the board's quorum.
    approved_by_override = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True, max_length=2000)
    literature_current_through = models.DateField(null=True, blank=True)
    # Set when the sweep reopens the article because a study it cites was retracted;
    # cleared when the board approves it again.
    cited_retraction_on = models.DateField(null=True, blank=True)
    # While a re-review of the live revision is open: why (the newest submission sets it).
    re_check = models.CharField(max_length=20, choices=ReCheck.choices, blank=True, default="")
    # When the newest notice was issued: the reader page reads notices only if there are any.
    last_notice_at = models.DateTimeField(null=True, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-last_reviewed_at", "slug"]
        indexes = [
            models.Index(
                fields=["-last_reviewed_at"],
                name="article_published_idx",
                condition=models.Q(published_revision__isnull=False),
            ),
            models.Index(fields=["next_review_due"], name="article_next_review_idx"),
        ]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def update_under_review(self):
        """An approved article whose newer revision is in review (reader banner)."""
        return self.published_revision_id is not None and self.review_status in (
            ReviewStatus.SUBMITTED,
            ReviewStatus.UNDER_REVIEW,
        )


class Revision(models.Model):
    """One version of an article's content. Once submitted (``locked_at`` set) it never
    changes: ``save()``, ``delete()`` and, on PostgreSQL, a trigger refuse."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField("question", max_length=300)
    summary = models.TextField("answer summary", max_length=1200)
    body = models.TextField("body (Markdown)", max_length=60000)
    patient_body = models.TextField(
        "plain-language version (Markdown)", max_length=30000, blank=True
    )
    # The plain-language version's own opening answer and safety note: a patient reading it
    # is not shown the clinicians' summary or their pitfalls.
    patient_summary = models.TextField("plain-language summary", max_length=1200, blank=True)
    patient_safety_note = models.TextField(
        "plain-language safety note (Markdown)", max_length=3000, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number"),
            models.CheckConstraint(
                condition=models.Q(locked_at__isnull=True) | ~models.Q(content_hash=""),
                name="revision_locked_has_hash",
            ),
        ]

    def __str__(self):
        return f"{self.article.slug} r{self.number}"

    def save(self, *args, **kwargs):
        if self.pk and self._locked_in_database():
            raise RevisionLocked(f"Revision {self.pk} has been submitted and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._locked_in_database():
            raise RevisionLocked(f"Revision {self.pk} has been submitted and cannot be deleted.")
        return super().delete(*args, **kwargs)

    def _locked_in_database(self):
        return Revision.objects.filter(pk=self.pk, locked_at__isnull=False).exists()

    @property
    def is_locked(self):
        return self.locked_at is not None

    @property
    def short_hash(self):
        return self.content_hash[:12]

    def canonical_content(self):
        """Everything a reader sees, in a stable form: the input of the content hash."""
        content = {
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "patient_body": self.patient_body,
            "references": [ref.canonical() for ref in self.references.order_by("position")],
        }
        # Only when set, so that the hash of every revision written before they existed is
        # unchanged (its approvals and signed review records are bound to that hash).
        for name in OPTIONAL_CONTENT_FIELDS:
            if value := getattr(self, name):
                content[name] = value
        return content

    def compute_content_hash(self):
        canonical = json.dumps(
            self.canonical_content(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def lock(self, *, at=None):
        """Freeze this revision and its references. Only the editorial services call it,
        inside the transaction that submits it."""
        if self.is_locked:
            return
        self.content_hash = self.compute_content_hash()
        self.locked_at = at or timezone.now()
        Revision.objects.filter(pk=self.pk, locked_at__isnull=True).update(
            content_hash=self.content_hash, locked_at=self.locked_at
        )


class RenderedRevision(models.Model):
    """The HTML of a submitted revision, rendered once (every field and audience, sanitised,
    citations linked) by ``articles.rendering``, with the renderer version that produced it.
    A table of its own: the revision row is immutable once submitted (a trigger refuses
    updates), and re-rendering must never touch it or its content hash."""

    revision = models.OneToOneField(
        Revision, primary_key=True, on_delete=models.CASCADE, related_name="rendered"
    )
    renderer_version = models.PositiveIntegerField()
    fields = models.JSONField(help_text="Rendered HTML and plain text, by name.")
    rendered_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.revision_id} (renderer {self.renderer_version})"


class PageChange(models.Model):
    """One change to what public pages show, written in the transaction of the change.
    Every web process reads the recent ones to drop the cached pages they affect
    (``articles.page_cache``): invalidation lives in PostgreSQL, so it cannot be lost to
    a cache outage. ``scope`` is ``site``, ``article:<id>`` or ``topic:<id>``."""

    scope = models.CharField(max_length=40)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.scope} at {self.changed_at:%H:%M:%S}"


class ReferenceKind(models.TextChoices):
    GUIDELINE = "guideline", "Guideline"
    RESEARCH = "research", "Research"
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
    REVIEW = "review", "Review"
    OTHER = "other", "Other"


class Reference(models.Model):
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    kind = models.CharField(max_length=20, choices=ReferenceKind.choices)
    title = models.CharField(max_length=500)
    source = models.CharField(max_length=300, help_text="Journal, publisher or issuing body.")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1800)])
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[RegexValidator(DOI_PATTERN, "Enter a DOI such as 10.1000/xyz123.")],
    )
    pmid = models.CharField(
        "PMID",
        # Room for what an author types while drafting; the validator holds at submission.
        max_length=20,
        blank=True,
        validators=[RegexValidator(PMID_PATTERN, "A PubMed ID is 1 to 8 digits.")],
    )
    url = models.URLField("URL", max_length=500, blank=True)
    cited_as_retracted = models.BooleanField(
        default=False,
        help_text="The work is known to be retracted and is cited as such.",
    )

    class Meta:
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "position"], name="reference_unique_position"
            ),
            models.CheckConstraint(condition=models.Q(position__gte=1), name="reference_pos_gte_1"),
        ]

    def __str__(self):
        return f"[{self.position}] {self.title}"

    def save(self, *args, **kwargs):
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.year and self.year > timezone.now().year:
            raise ValidationError({"year": "The year cannot be in the future."})

    def _refuse_if_locked(self):
        if Revision.objects.filter(pk=self.revision_id, locked_at__isnull=False).exists():
            raise RevisionLocked("References of a submitted revision cannot change.")

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    def canonical(self):
        data = {
            "position": self.position,
            "kind": self.kind,
            "title": self.title,
            "source": self.source,
            "year": self.year,
            "doi": self.doi,
            "pmid": self.pmid,
            "url": self.url,
        }
        # Only when set, so that the hash of every revision written before it is unchanged.
        if self.cited_as_retracted:
            data["cited_as_retracted"] = True
        return data


class RelatedQuestion(models.Model):
    """A curated link from one article to another, shown under "Related questions"."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(article=models.F("related")), name="related_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.article} → {self.related}"


class AuthorProfile(models.Model):
    """What the reader page shows of an author beyond their name: their self-reported
    ORCID iD."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    orcid = OrcidField()

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()}: {self.orcid or '—'}"


class ReviewRecord(models.Model):
    """One approval of one revision, as readers see it in the review history. Written by
    the editorial services in the transaction that approves."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="review_records")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    reviewers = models.JSONField(default=list, help_text="Name, credentials, slug, id of each.")
    is_re_review = models.BooleanField(default=False)
    is_override = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True, max_length=2000)
    literature_current_through = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["article", "-approved_at"]
        indexes = [
            models.Index(fields=["article", "-approved_at"], name="reviewrecord_article_idx")
        ]

    def __str__(self):
        return f"{self.article.slug} r{self.revision.number} approved {self.approved_at:%Y-%m-%d}"

    @property
    def short_hash(self):
        return self.content_hash[:12]


from articles.notices import Notice, NoticeKind  # noqa: E402, F401 - kept apart
from articles.reader_feedback import (  # noqa: E402, F401 - kept apart
    FEEDBACK_MESSAGE_MAX,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
)
from articles.retractions import RetractedWork  # noqa: E402, F401 - kept apart
