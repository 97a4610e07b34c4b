from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django_fsm import has_transition_perm

from editorial import services
from editorial.errors import WorkflowError
from editorial.models import AuditEntry, EditorialPolicy, Submission

# Buttons on a submission's admin page: transition name → (label, service, needs comment).
TRANSITION_BUTTONS = {
    "start_review": ("Start review", services.submission_start_review, False),
    "approve": ("Approve", services.submission_approve, False),
    "request_changes": ("Request changes", services.submission_request_changes, True),
    "reject": ("Reject", services.submission_reject, True),
    "withdraw": ("Withdraw", services.submission_withdraw, False),
}


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
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
        "audit_trail",
    ]
    fields = readonly_fields
    change_form_template = "admin/editorial/submission/change_form.html"

    def has_add_permission(self, request):
        return False  # authors submit from their workspace; the admin moves what exists

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="editorial_submission_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk, name):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        submission = get_object_or_404(self.get_queryset(request), pk=pk)
        if name not in TRANSITION_BUTTONS or not self.has_view_permission(request, submission):
            raise PermissionDenied
        label, service, needs_comment = TRANSITION_BUTTONS[name]
        kwargs = {"submission": submission, "actor": request.user}
        comment = request.POST.get("comment", "").strip()
        if needs_comment or comment:
            kwargs["comment"] = comment
        try:
            service(**kwargs)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{label}: done.")
        return HttpResponseRedirect(reverse("admin:editorial_submission_change", args=[pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["transition_buttons"] = [
                {"name": name, "label": label, "needs_comment": needs_comment}
                for name, (label, _, needs_comment) in TRANSITION_BUTTONS.items()
                if has_transition_perm(getattr(obj, name), request.user)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="Audit trail (newest first)")
    def audit_trail(self, obj):
        entries = AuditEntry.objects.filter(article_id=obj.article_id).order_by("-sequence")[:50]
        rows = format_html_join(
            "",
            "<li>#{} {} · {} · {} {}</li>",
            (
                (
                    entry.sequence,
                    entry.created_at.strftime("%Y-%m-%d %H:%M"),
                    entry.actor_label,
                    entry.action,
                    f"({entry.from_state} → {entry.to_state})" if entry.to_state else "",
                )
                for entry in entries
            ),
        )
        return format_html("<ul>{}</ul>", rows) if rows else "—"


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quorum", "re_review_months", "publish_pending", "updated_at"]

    def has_add_permission(self, request):
        return not EditorialPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["sequence", "created_at", "actor_label", "action", "target", "transition"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "comment", "article__slug"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    @admin.display(description="target")
    def target(self, obj):
        return f"{obj.target_type}:{obj.target_id}"

    @admin.display(description="state")
    def transition(self, obj):
        return f"{obj.from_state} → {obj.to_state}" if obj.to_state else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
