"""Submissions with their workflow buttons; the chair's board view and its buttons hang
off this admin's URLs (the views are in ``editorial.views``)."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import path
from django_fsm import can_proceed, has_transition_perm

from editorial import selectors
from editorial.admin._common import (
    LargeTableAdminMixin,
    NotFoundForOthersMixin,
    NotificationsFieldMixin,
    button_urls,
    render_audit_trail,
    render_notifications,
)
from editorial.forms import OverrideForm
from editorial.models import DecisionOutcome, Submission
from editorial.roles import is_chair
from editorial.views import actions, board


@admin.register(Submission)
class SubmissionAdmin(
    LargeTableAdminMixin, NotificationsFieldMixin, NotFoundForOthersMixin, admin.ModelAdmin
):
    list_display = ["__str__", "kind", "state", "submitted_by", "submitted_at", "decided_at"]
    list_filter = ["state", "kind", "article__topic"]
    search_fields = ["article__slug", "revision__title"]
    list_select_related = ["article", "revision", "submitted_by"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "article",
        "revision",
        "content_hash",
        "kind",
        "state",
        "previous",
        "author_note",
        "submitted_by",
        "submitted_at",
        "decided_at",
        "assignments_summary",
        "audit_trail",
        "notifications",
    ]
    fields = readonly_fields
    change_form_template = "admin/editorial/submission/change_form.html"

    def get_queryset(self, request):
        return selectors.submissions_visible_to(request.user).select_related(
            "article", "revision", "submitted_by"
        )

    def has_add_permission(self, request):
        return False  # authors submit from their workspace; the admin moves what exists

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        buttons = {
            "assign": board.assign_view,
            "override": board.override_view,
            "confirm-reject": board.confirm_reject_view,
        }
        return [
            path("board/", view(board.board_view), name="editorial_board"),
            path(
                "<int:pk>/candidates/",
                view(board.candidates_view),
                name="editorial_submission_candidates",
            ),
            path(
                "<int:pk>/transition/<str:name>/",
                view(actions.transition_view),
                name="editorial_submission_transition",
            ),
            *button_urls(view, "submission", buttons),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["transition_buttons"] = self._transition_buttons(request, obj)
            # Approving or rejecting against the board: a reason, then a confirmation page.
            context["can_override"] = is_chair(request.user) and can_proceed(obj.approve)
            context["override_choices"] = OverrideForm.base_fields["outcome"].choices
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _transition_buttons(request, submission):
        """The buttons whose transition ``request.user`` may take on ``submission``;
        confirming a rejection only once a reviewer has rejected."""
        has_rejection = submission.decisions.filter(outcome=DecisionOutcome.REJECT).exists
        return [
            {
                "name": name,
                "label": label,
                "needs_comment": needs_comment,
                "signed": name in actions.SIGNED,
            }
            for name, (label, _, needs_comment, transition) in actions.TRANSITION_BUTTONS.items()
            if has_transition_perm(getattr(submission, transition), request.user)
            and (name != "confirm_reject" or has_rejection())
        ]

    @admin.display(description="Reviewers")
    def assignments_summary(self, obj):
        assignments = obj.assignments.select_related("reviewer", "decision").order_by("pk")
        return render_to_string(
            "admin/editorial/_assignments_summary.html", {"assignments": assignments}
        )

    @admin.display(description="Notifications (newest first)")
    def notifications(self, obj):
        return render_notifications(
            submission=obj, changelist_filter=f"submission__id__exact={obj.pk}"
        )

    @admin.display(description="Audit trail of the article (newest first)")
    def audit_trail(self, obj):
        return render_audit_trail(obj.article_id)
