"""The outbox: every notification, read-only."""

from django.contrib import admin
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from editorial.admin._common import LargeTableAdminMixin, ReadOnlyAdminMixin
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
class NotificationAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every email, reminder and escalation as the outbox recorded it: read-only, like the
    audit log. The chair reads it to see who was told what, and whether it went out."""

    list_display = ["when", "subject_line", "to", "kind", "state"]
    list_display_links = ["when", "subject_line"]
    # A page a person can scan; the body is on each email's own page.
    list_per_page = 25
    # No date_hierarchy: its links come from DISTINCT over every row (a million here).
    list_filter = ["kind", SentFilter, ("created_at", admin.DateFieldListFilter)]
    search_fields = ["to_email", "subject", "article__slug"]
    search_help_text = "Recipient, subject or article slug"
    list_select_related = False
    # The email first (who, what, the text), then its delivery, then what it is about.
    fieldsets = [
        ("Email", {"fields": ["to_email", "recipient", "subject", "body_text", "link"]}),
        (
            "Delivery",
            {
                "fields": [
                    "kind",
                    "created_at",
                    "claimed_at",
                    "sent_at",
                    "failed_at",
                    "superseded",
                    "attempts",
                    "last_error",
                ]
            },
        ),
        ("About", {"fields": ["article", "submission", "assignment", "dedupe_key"]}),
    ]
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]

    @admin.display(description="created", ordering="created_at")
    def when(self, obj):
        return date_format(timezone.localtime(obj.created_at), "j M Y, H:i")

    @admin.display(description="to", ordering="to_email")
    def to(self, obj):
        return obj.to_email

    @admin.display(description="subject", ordering="subject")
    def subject_line(self, obj):
        return truncatechars(obj.subject, 80)

    @admin.display(description="state", ordering="sent_at")
    def state(self, obj):
        """Sent, failed (given up, with why), superseded (never sent) or queued."""
        if obj.sent_at:
            label, css = "Sent", "approved"
        elif obj.failed_at:
            label, css = "Failed", "rejected"
        elif obj.superseded:
            label, css = "Superseded", "muted"
        else:
            label, css = "Queued", "submitted"
        if not obj.failed_at:
            return format_html('<span class="badge badge--{}">{}</span>', css, label)
        # Why it failed, shortened: the whole error is on the email's page.
        return format_html(
            '<span class="badge badge--{}">{}</span> after {} attempt(s): {}',
            css,
            label,
            obj.attempts,
            truncatechars(obj.last_error, 80),
        )
