"""Reader feedback, registered here on a subclass of ``articles.admin.FeedbackAdmin``:
``articles`` cannot open a re-review, so marking an error report valid is done here."""

from django.contrib import admin, messages
from django.urls import path

from articles.admin import FeedbackAdmin
from articles.models import Feedback, FeedbackKind, FeedbackStatus
from editorial.admin._common import LargeTableAdminMixin
from editorial.views import actions


@admin.register(Feedback)
class FeedbackTriageAdmin(LargeTableAdminMixin, FeedbackAdmin):
    """Marking an error report valid goes through ``services.feedback_mark_valid``, which
    opens the re-review: from the list (an action) or with the button on the report's page.
    The status of an error report is read-only on its form so that no one marks it valid
    without the re-review."""

    actions = ["mark_valid_and_re_review", "mark_valid", "mark_invalid", "mark_answered"]
    change_form_template = "admin/editorial/feedback/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.kind == FeedbackKind.ERROR:
            return [*fields, "status"]
        return fields

    def get_urls(self):
        return [
            path(
                "<int:pk>/mark-valid/",
                self.admin_site.admin_view(actions.mark_valid_view),
                name="articles_feedback_mark_valid",
            ),
            *super().get_urls(),
        ]

    @admin.action(
        description="Mark valid and open a re-review (error reports)", permissions=["change"]
    )
    def mark_valid_and_re_review(self, request, queryset):
        for feedback in queryset.order_by("pk"):
            actions.triage_report(request, feedback)

    @admin.action(description="Mark as valid (follow-up questions)", permissions=["change"])
    def mark_valid(self, request, queryset):
        reports = queryset.filter(kind=FeedbackKind.ERROR).count()
        if reports:
            messages.warning(
                request,
                f"{reports} error report(s) left as they were: use “Mark valid and open a "
                "re-review”, which sends the article back to the board.",
            )
        self._mark(request, queryset.exclude(kind=FeedbackKind.ERROR), FeedbackStatus.VALID)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_mark_valid"] = (
            obj is not None
            and obj.kind == FeedbackKind.ERROR
            and obj.status == FeedbackStatus.NEW
            and self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
