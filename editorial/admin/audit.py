"""The audit log: read-only, like the table under it (append-only in PostgreSQL)."""

from django.apps import apps
from django.contrib import admin

from editorial.admin._common import LargeTableAdminMixin, ReadOnlyAdminMixin
from editorial.models import AuditEntry

# What the services record actions on. A fixed list: Django's own filter would ask the
# table for its distinct values, a full scan of a million entries on every page.
AUDITED_MODELS = (
    "editorial.submission",
    "editorial.assignment",
    "editorial.editorialpolicy",
    "reviewers.conflictofinterest",
    "articles.feedback",
)


class TargetTypeFilter(admin.SimpleListFilter):
    title = "target"
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        return [(label, apps.get_model(label)._meta.verbose_name) for label in AUDITED_MODELS]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(target_type=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sequence", "created_at", "actor_label", "action", "target", "transition"]
    # No date_hierarchy: its year/month/day links come from DISTINCT over every row.
    list_filter = ["action", TargetTypeFilter, ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_label", "action", "comment", "article__slug"]
    list_select_related = ["article"]
    list_per_page = 50
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    @admin.display(description="target")
    def target(self, obj):
        return f"{obj.target_type}:{obj.target_id}"

    @admin.display(description="state")
    def transition(self, obj):
        return f"{obj.from_state} → {obj.to_state}" if obj.to_state else ""
