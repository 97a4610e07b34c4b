"""Articles and revisions, registered here on subclasses of ``articles.admin``'s base
classes (``articles`` knows nothing of the workflow): with the audit trail and the outbox,
and scoped for reviewers to what their assignments pin."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.admin import ArticleAdmin, ReReviewDueFilter, RevisionAdmin, RevisionInline
from articles.models import Article, Revision
from editorial import selectors
from editorial.admin._common import (
    LargeTableAdminMixin,
    NotFoundForOthersMixin,
    NotificationsFieldMixin,
    render_audit_trail,
    render_notifications,
)
from editorial.models import Submission, SubmissionState
from editorial.roles import AUTHORS_GROUP, is_chair

NOT_SUBMITTED = "not_submitted"


def author_label(user):
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


class SubmissionStateFilter(admin.SimpleListFilter):
    """The state of the article's newest submission, as the board knows it (readers are
    told less: changes requested reads "Under review" to them)."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            (NOT_SUBMITTED, "Not submitted"),
            *(
                (state.value, state.label)
                for state in SubmissionState
                if state not in (SubmissionState.DRAFT, SubmissionState.RESUBMITTED)
            ),
        ]

    def queryset(self, request, queryset):
        if self.value() == NOT_SUBMITTED:
            return queryset.filter(submission_state__isnull=True)
        if self.value():
            return queryset.filter(submission_state=self.value())
        return queryset


class SubmittedRevisionInline(RevisionInline):
    """A reviewer sees the article's submitted revisions, never the author's draft."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_chair(request.user):
            return queryset
        return queryset.filter(locked_at__isnull=False)


@admin.register(Article)
class ArticleWithAuditTrailAdmin(
    LargeTableAdminMixin, NotificationsFieldMixin, NotFoundForOthersMixin, ArticleAdmin
):
    list_filter = [SubmissionStateFilter, "topic", ReReviewDueFilter]
    readonly_fields = [*ArticleAdmin.readonly_fields, "notifications", "audit_trail"]
    inlines = [
        SubmittedRevisionInline if inline is RevisionInline else inline
        for inline in ArticleAdmin.inlines
    ]

    def get_queryset(self, request):
        newest_state = (
            Submission.objects.filter(article=OuterRef("pk"))
            .order_by("-submitted_at", "-pk")
            .values("state")
        )
        queryset = (
            super().get_queryset(request).annotate(submission_state=Subquery(newest_state[:1]))
        )
        return selectors.articles_visible_to(request.user, queryset)

    @admin.display(description="state", ordering="submission_state")
    def state(self, article):
        """The newest submission's state; "Live" beside it while an earlier approved
        revision is what readers see."""
        if article.submission_state is None:
            return mark_safe('<span class="badge">Not submitted</span>')  # noqa: S308 - a constant
        state = SubmissionState(article.submission_state)
        live = (
            mark_safe(' <span class="badge badge--approved">Live</span>')  # noqa: S308 - a constant
            if article.published_revision_id and state != SubmissionState.APPROVED
            else ""
        )
        return format_html(
            '<span class="badge badge--{}">{}</span>{}', state.value, state.label, live
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "authors":
            # Authors only (not reviewers, the chair or admins), and whoever the article
            # already names, so that saving never drops an author silently.
            object_id = request.resolver_match.kwargs.get("object_id")
            named = Q(articles__pk=object_id) if object_id and str(object_id).isdigit() else Q()
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(Q(is_active=True, groups__name=AUTHORS_GROUP) | named)
                .distinct()
                .order_by("last_name", "first_name", "username")
            )
            kwargs["widget"] = forms.CheckboxSelectMultiple
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "authors":
            field.label_from_instance = author_label
        return field

    @admin.display(description="Notifications (newest first)")
    def notifications(self, obj):
        return render_notifications(article=obj, changelist_filter=f"article__id__exact={obj.pk}")

    @admin.display(description="Audit trail (newest first)")
    def audit_trail(self, obj):
        return render_audit_trail(obj.pk)


@admin.register(Revision)
class RevisionForReviewersAdmin(NotFoundForOthersMixin, RevisionAdmin):
    def get_queryset(self, request):
        return selectors.revisions_visible_to(request.user, super().get_queryset(request))
