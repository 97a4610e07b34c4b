"""Decisions: read-only; a reviewer sees their own, the chair everyone's, with the
confidential comments to the chair and how many references the reviewer checked."""

from django.contrib import admin

from editorial.admin._common import LargeTableAdminMixin, ReadOnlyAdminMixin
from editorial.models import Decision
from editorial.roles import is_chair


@admin.register(Decision)
class DecisionAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "submission", "outcome", "created_at"]
    list_filter = ["outcome"]
    list_select_related = ["assignment__reviewer", "submission__article", "submission__revision"]
    readonly_fields = [
        "assignment",
        "submission",
        "revision",
        "outcome",
        "comment",
        "confidential_comment",
        "references_checked",
        "confirmed_no_conflict",
        "created_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_chair(request.user):
            return queryset
        return queryset.filter(assignment__reviewer__user_id=request.user.pk)

    @admin.display(description="References checked")
    def references_checked(self, obj):
        label = obj.checked_references_label()
        if not obj.checked_references:
            return label
        numbers = ", ".join(str(position) for position in obj.checked_references)
        return f"{label} (numbers {numbers})"
