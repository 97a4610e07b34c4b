"""Articles and revisions, registered here on subclasses of ``articles.admin``'s base
classes (``articles`` knows nothing of the workflow): with the audit trail and the outbox,
and scoped for reviewers to what their assignments pin."""

from django.contrib import admin

from articles.admin import ArticleAdmin, RevisionAdmin, RevisionInline
from articles.models import Article, Revision
from editorial import selectors
from editorial.admin._common import (
    LargeTableAdminMixin,
    NotFoundForOthersMixin,
    NotificationsFieldMixin,
    render_audit_trail,
    render_notifications,
)
from editorial.roles import is_chair


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
    readonly_fields = [*ArticleAdmin.readonly_fields, "notifications", "audit_trail"]
    inlines = [
        SubmittedRevisionInline if inline is RevisionInline else inline
        for inline in ArticleAdmin.inlines
    ]

    def get_queryset(self, request):
        return selectors.articles_visible_to(request.user, super().get_queryset(request))

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
