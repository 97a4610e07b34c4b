"""The content's admin: topics, and the base admins of articles, revisions and reader
feedback. ``articles`` knows nothing of the workflow, so it registers only what needs none
of it (topics); ``editorial.admin`` registers subclasses of the other base classes with the
audit trail, the reviewers' scoping and the triage of error reports."""

import datetime

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from articles.models import (
    FeedbackStatus,
    Reference,
    RelatedQuestion,
    Revision,
    Topic,
)
from articles.text import CleanTextAdminMixin


@admin.register(Topic)
class TopicAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "re_review_months"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["number", "title", "created_by", "created_at", "locked_at", "short_hash"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RelatedQuestionInline(CleanTextAdminMixin, admin.StackedInline):
    model = RelatedQuestion
    fk_name = "article"
    autocomplete_fields = ["related"]
    extra = 0


class ReReviewDueFilter(admin.SimpleListFilter):
    title = "re-review due"
    parameter_name = "re_review_due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("30", "Within 30 days"), ("90", "Within 90 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lt=today)
        if self.value() in ("30", "90"):
            last = today + datetime.timedelta(days=int(self.value()))
            return queryset.filter(next_review_due__range=(today, last))
        return queryset


def reviewer_names(article):
    """The reviewers of the published revision, by name, as readers see them."""
    return [
        ", ".join(part for part in (reviewer.get("name"), reviewer.get("credentials")) if part)
        for reviewer in article.reviewed_by or []
    ]


class ArticleAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """Articles listed by their question (the newest submitted revision's title), one query
    for the page whatever its length."""

    list_display = ["question", "topic", "state", "reviewed", "review_due"]
    list_display_links = ["question"]
    list_filter = ["review_status", "topic", ReReviewDueFilter]
    search_fields = [
        "slug",
        "revisions__title",
        "authors__first_name",
        "authors__last_name",
        "authors__username",
    ]
    search_help_text = "Question, slug or author name"
    list_select_related = ["topic"]
    list_per_page = 50
    empty_value_display = "—"
    readonly_fields = [
        "published_revision",
        "review_status",
        "first_published_at",
        "last_reviewed_at",
        "next_review_due",
        "reviewed_by_names",
        # Public facts the editorial services write with each transition.
        "approved_by_override",
        "override_reason",
        "literature_current_through",
        "cited_retraction_on",
        "re_check",
        "last_notice_at",
        "created_at",
    ]
    exclude = ["reviewed_by"]
    inlines = [RevisionInline, RelatedQuestionInline]

    def get_queryset(self, request):
        # The newest submitted revision's question: a draft's working title is the
        # author's until they submit it (reviewers may read this list). An article never
        # submitted shows its draft's.
        revisions = Revision.objects.filter(article=OuterRef("pk")).order_by("-number")
        submitted = revisions.filter(locked_at__isnull=False).values("title")[:1]
        newest = revisions.values("title")[:1]
        return (
            super()
            .get_queryset(request)
            .annotate(question=Coalesce(Subquery(submitted), Subquery(newest)))
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        # Searching revisions and authors joins rows that repeat an article.
        return (queryset.distinct() if search_term else queryset), False

    @admin.display(description="question", ordering="question")
    def question(self, article):
        return article.question or article.slug

    @admin.display(description="public status", ordering="review_status")
    def state(self, article):
        return format_html(
            '<span class="badge badge--{}">{}</span>',
            article.review_status,
            article.get_review_status_display(),
        )

    @admin.display(description="reviewed by", ordering="last_reviewed_at")
    def reviewed(self, article):
        names = [reviewer.get("name", "") for reviewer in article.reviewed_by or []]
        if not article.last_reviewed_at:
            return "—"
        reviewed_on = date_format(timezone.localdate(article.last_reviewed_at), "j M Y")
        if not names:
            return format_html("Chair’s override, {}", reviewed_on)
        return format_html("{}, {}", "; ".join(names), reviewed_on)

    @admin.display(description="next review due", ordering="next_review_due")
    def review_due(self, article):
        return date_format(article.next_review_due, "j M Y") if article.next_review_due else "—"

    @admin.display(description="reviewed by")
    def reviewed_by_names(self, article):
        names = reviewer_names(article)
        if not names:
            return "Nobody yet" if not article.last_reviewed_at else "Nobody: chair’s override"
        return format_html(
            '<ul class="plain-list">{}</ul>',
            format_html_join("", "<li>{}</li>", ((n,) for n in names)),
        )


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0

    def _editable(self, obj):
        return obj is None or not obj.is_locked

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class RevisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "created_by", "created_at", "locked_at"]
    list_filter = [("locked_at", admin.EmptyFieldListFilter), "article__topic"]
    search_fields = ["title", "article__slug"]
    list_select_related = ["article", "created_by"]
    readonly_fields = ["article", "number", "created_by", "created_at", "locked_at", "content_hash"]
    inlines = [ReferenceInline]

    def has_change_permission(self, request, obj=None):
        # A submitted revision is shown, never changed.
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request):
        return False


class FeedbackAdmin(admin.ModelAdmin):
    """Reader questions and error reports, triaged by the chair: the reader's words are
    read-only; the chair sets the status and keeps a note."""

    # Four columns, so that none hides behind the filter panel at common widths.
    list_display = ["received", "excerpt", "about", "triage"]
    list_display_links = ["received", "excerpt"]
    list_filter = ["status", "kind", ("created_at", admin.DateFieldListFilter), "article__topic"]
    search_fields = ["message", "email", "article__slug", "revision__title"]
    search_help_text = "Message, reader's email, article slug or question"
    list_select_related = ["article", "revision"]
    list_per_page = 50
    date_hierarchy = "created_at"
    readonly_fields = [
        "article",
        "revision",
        "kind",
        "message",
        "email",
        "audience",
        "created_at",
        "updated_at",
    ]
    fields = [*readonly_fields[:6], "status", "chair_note", "created_at", "updated_at"]
    actions = ["mark_valid", "mark_invalid", "mark_answered"]

    @admin.display(description="received", ordering="created_at")
    def received(self, feedback):
        return date_format(timezone.localtime(feedback.created_at), "j M Y, H:i")

    @admin.display(description="message")
    def excerpt(self, feedback):
        return feedback.message if len(feedback.message) <= 90 else feedback.message[:89] + "…"

    @admin.display(description="article", ordering="article__slug")
    def about(self, feedback):
        return feedback.revision.title if feedback.revision else feedback.article.slug

    @admin.display(description="kind and status", ordering="status")
    def triage(self, feedback):
        status_badge = {
            FeedbackStatus.NEW: "badge--info",
            FeedbackStatus.VALID: "badge--warn",
            FeedbackStatus.ANSWERED: "badge--ok",
        }.get(feedback.status, "")
        return format_html(
            '{}<br><span class="badge {}">{}</span>{}',
            feedback.get_kind_display(),
            status_badge,
            feedback.get_status_display(),
            " · reader left an email" if feedback.email else "",
        )

    def has_add_permission(self, request):
        return False  # feedback comes from readers

    def _mark(self, request, queryset, status):
        # Saved one by one through the model, so ``updated_at`` says when each was triaged.
        feedback_items = list(queryset)
        for feedback in feedback_items:
            feedback.status = status
            feedback.save(update_fields=["status", "updated_at"])
        self.message_user(
            request, f"{len(feedback_items)} item(s) marked {FeedbackStatus(status).label}."
        )

    @admin.action(description="Mark as valid (needs action)", permissions=["change"])
    def mark_valid(self, request, queryset):
        self._mark(request, queryset, FeedbackStatus.VALID)

    @admin.action(description="Mark as not valid", permissions=["change"])
    def mark_invalid(self, request, queryset):
        self._mark(request, queryset, FeedbackStatus.INVALID)

    @admin.action(description="Mark as answered or fixed", permissions=["change"])
    def mark_answered(self, request, queryset):
        self._mark(request, queryset, FeedbackStatus.ANSWERED)
