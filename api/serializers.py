"""What the API says about each thing. Built from the rows ``api.selectors`` loaded; no
serializer here runs a query of its own, but for an article's notices, read only when it
has any (a notice is rare)."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import NoticeKind, ReviewStatus
from articles.notices import notices_for
from articles.rendering import render_markdown


def absolute(path):
    return settings.SITE_URL + path


class TopicSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    re_review_months = serializers.IntegerField(allow_null=True)


class TopicRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ReviewerSerializer(serializers.Serializer):
    name = serializers.CharField()
    credentials = serializers.CharField()
    slug = serializers.CharField()


class ReviewFactsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReviewStatus.choices)
    pending = serializers.BooleanField(
        help_text="Never approved: shown because the policy publishes articles in review."
    )
    reviewers = ReviewerSerializer(many=True, help_text="Only those who approved it.")
    first_published_at = serializers.DateTimeField(allow_null=True)
    last_reviewed_at = serializers.DateTimeField(allow_null=True)
    next_review_due = serializers.DateField(allow_null=True)
    literature_current_through = serializers.DateField(
        allow_null=True, help_text="The reviewers checked the literature up to this day."
    )
    approved_by_override = serializers.BooleanField(
        help_text="Approved by the editorial chair without the board's quorum."
    )
    override_reason = serializers.CharField(help_text="The chair's public reason; empty if none.")
    cited_retraction_on = serializers.DateField(
        allow_null=True,
        help_text="A study cited here was retracted on this day; the board is re-checking it.",
    )


def _review_facts(article):
    pending = article.published_revision_id is None
    return {
        "status": article.review_status,
        "pending": pending,
        "reviewers": [] if pending else article.reviewed_by,
        "first_published_at": article.first_published_at,
        "last_reviewed_at": article.last_reviewed_at,
        "next_review_due": article.next_review_due,
        "literature_current_through": None if pending else article.literature_current_through,
        "approved_by_override": not pending and article.approved_by_override,
        "override_reason": "" if pending else article.override_reason,
        "cited_retraction_on": article.cited_retraction_on,
    }


class ArticleSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    question = serializers.CharField(source="shown_revision.title")
    summary_markdown = serializers.CharField(source="shown_revision.summary")
    topic = TopicRefSerializer()
    updated_at = serializers.DateTimeField()
    review = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The reader's page.")
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(ReviewFactsSerializer)
    def get_review(self, article):
        return ReviewFactsSerializer(_review_facts(article)).data

    def get_url(self, article) -> str:
        return absolute(article.get_absolute_url())

    def get_api_url(self, article) -> str:
        return absolute(reverse("api:article-detail", kwargs={"slug": article.slug}))


class ReferenceSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField()
    year = serializers.IntegerField()
    doi = serializers.CharField(help_text="Empty when the reference has none.")
    pmid = serializers.CharField(help_text="PubMed ID; empty when the reference has none.")
    url = serializers.CharField()
    doi_url = serializers.CharField()
    pubmed_url = serializers.CharField()


class AudienceTextSerializer(serializers.Serializer):
    summary_html = serializers.CharField()
    body_html = serializers.CharField()


class PatientTextSerializer(AudienceTextSerializer):
    available = serializers.BooleanField(
        help_text="False when the article has no plain-language version (the texts are empty)."
    )
    safety_note_html = serializers.CharField(
        help_text="The plain-language safety note; empty for a version written without one."
    )


class RelatedSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    question = serializers.CharField(source="title")
    url = serializers.SerializerMethodField()

    def get_url(self, row) -> str:
        return absolute(reverse("articles:detail", kwargs={"slug": row["slug"]}))


class NoticeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoticeKind.choices)
    reason = serializers.CharField()
    issued_at = serializers.DateTimeField()
    issued_by = serializers.CharField()


class ArticleDetailSerializer(ArticleSummarySerializer):
    revision = serializers.IntegerField(source="shown_revision.number")
    content_hash = serializers.CharField(source="shown_revision.content_hash")
    body_markdown = serializers.CharField(source="shown_revision.body")
    patient_body_markdown = serializers.CharField(source="shown_revision.patient_body")
    patient_summary_markdown = serializers.CharField(source="shown_revision.patient_summary")
    patient_safety_note_markdown = serializers.CharField(
        source="shown_revision.patient_safety_note"
    )
    professional = serializers.SerializerMethodField()
    patient = serializers.SerializerMethodField()
    references = ReferenceSerializer(source="shown_revision.references.all", many=True)
    related = RelatedSerializer(many=True)
    review_record_url = serializers.SerializerMethodField(
        help_text="The signed review record of the live approval; null while pending."
    )
    notices = serializers.SerializerMethodField(
        help_text="Corrections, updates, expressions of concern, retraction: newest first."
    )

    @extend_schema_field(NoticeSerializer(many=True))
    def get_notices(self, article):
        if article.last_notice_at is None:  # no notice ever: no query
            return []
        return NoticeSerializer(notices_for(article), many=True).data

    def get_review_record_url(self, article) -> str | None:
        if article.published_revision_id is None:
            return None
        return absolute(reverse("review_record", kwargs={"slug": article.slug}))

    @extend_schema_field(AudienceTextSerializer)
    def get_professional(self, article):
        revision = article.shown_revision
        count = len(revision.references.all())
        return {
            "summary_html": render_markdown(revision.summary, reference_count=count),
            "body_html": render_markdown(revision.body, reference_count=count),
        }

    @extend_schema_field(PatientTextSerializer)
    def get_patient(self, article):
        revision = article.shown_revision
        if not revision.patient_body.strip():
            return {"available": False, "summary_html": "", "body_html": "", "safety_note_html": ""}
        count = len(revision.references.all())
        # Its own summary, as the reader page shows it (the clinicians' for a version
        # written before plain-language summaries existed).
        summary = revision.patient_summary.strip() and revision.patient_summary
        return {
            "available": True,
            "summary_html": render_markdown(
                summary or revision.summary,
                reference_count=count,
                id_prefix="pcite" if summary else "cite",
            ),
            "safety_note_html": render_markdown(
                revision.patient_safety_note, reference_count=count, id_prefix="pnote"
            ),
            "body_html": render_markdown(
                revision.patient_body, reference_count=count, id_prefix="pcite"
            ),
        }


class BoardMemberSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(source="display_name")
    credentials = serializers.CharField()
    specialties = TopicRefSerializer(source="specialties.all", many=True)
    bio = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, member) -> str:
        return absolute(member.get_absolute_url())


class PolicySerializer(serializers.Serializer):
    quorum = serializers.IntegerField(help_text="Approvals needed to publish.")
    re_review_months = serializers.IntegerField()
    publish_pending = serializers.BooleanField()
    policy_markdown = serializers.CharField(source="policy_text")
    updated_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, policy) -> str:
        return absolute(reverse("editorial_policy"))
