"""The outbox: every notification, read-only."""

from django.contrib import admin

from editorial.admin._common import ReadOnlyAdminMixin
from editorial.models import Notification


class SentFilter(admin.SimpleListFilter):
    title = "sent"
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [
            ("yes", "Sent"),
            ("no", "Unsent"),
            ("failed", "Failed (given up)"),
            ("superseded", "Superseded (never sent)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "no":
            return queryset.unsent()
        if self.value() == "failed":
            return queryset.failed()
        if self.value() == "superseded":
            return queryset.filter(superseded=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every email, reminder and escalation as the outbox recorded it: read-only, like the
    audit log. The chair reads it to see who was told what, and whether it went out."""

    list_display = [
        "created_at",
        "kind",
        "to_email",
        "subject",
        "article",
        "sent",
        "failed",
        "attempts",
    ]
    list_filter = ["kind", SentFilter]
    search_fields = ["to_email", "subject"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "to_email",
        "recipient",
        "subject",
        "link",
        "article",
        "submission",
        "assignment",
        "created_at",
        "claimed_at",
        "sent_at",
        "failed_at",
        "superseded",
        "attempts",
        "last_error",
        "dedupe_key",
        "body_text",
    ]
    readonly_fields = fields

    @admin.display(description="sent", boolean=True, ordering="sent_at")
    def sent(self, obj):
        return obj.sent_at is not None

    @admin.display(description="failed", ordering="failed_at")
    def failed(self, obj):
        return obj.last_error if obj.failed_at else ""
