"""The audit log: read-only, like the table under it (append-only in PostgreSQL)."""

from django.contrib import admin

from editorial.admin._common import LargeTableAdminMixin, ReadOnlyAdminMixin
from editorial.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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
