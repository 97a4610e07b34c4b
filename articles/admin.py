"""The content's admin: topics, and the base admins of articles, revisions and reader
feedback. ``articles`` knows nothing of the workflow, so it registers only what needs none
of it (topics); ``editorial.admin`` registers subclasses of the other base classes with the
audit trail, the reviewers' scoping and the triage of error reports."""

from django.contrib import admin

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


class RelatedQuestionInline(CleanTextAdminMixin, admin.TabularInline):
    model = RelatedQuestion
    fk_name = "article"
    autocomplete_fields = ["related"]
    extra = 0


class ArticleAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["slug", "topic", "review_status", "last_reviewed_at", "next_review_due"]
    list_filter = ["review_status", "topic"]
    search_fields = ["slug", "revisions__title"]
    list_select_related = ["topic"]
    filter_horizontal = ["authors"]
    readonly_fields = [
        "published_revision",
        "review_status",
        "first_published_at",
        "last_reviewed_at",
        "next_review_due",
        "reviewed_by",
        "created_at",
    ]
    inlines = [RevisionInline, RelatedQuestionInline]

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False


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

    list_display = ["created_at", "kind", "status", "article", "excerpt", "has_email"]
    list_filter = ["status", "kind", ("created_at", admin.DateFieldListFilter), "article__topic"]
    search_fields = ["message", "email", "article__slug", "revision__title"]
    list_select_related = ["article"]
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

    @admin.display(description="message")
    def excerpt(self, feedback):
        return feedback.message if len(feedback.message) <= 90 else feedback.message[:89] + "…"

    @admin.display(description="email", boolean=True)
    def has_email(self, feedback):
        return bool(feedback.email)

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
