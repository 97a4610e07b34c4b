"""The editorial policy: one row, edited by the chair."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from articles.text import CleanTextAdminMixin
from editorial import services
from editorial.models import EditorialPolicy


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """One row, edited by the chair; each change is audited (``services.policy_update``)."""

    fieldsets = [
        ("Review", {"fields": ["quorum", "invitation_response_days", "review_due_days"]}),
        (
            "Reminders and escalation",
            {
                "fields": [
                    "reminder_days_before_due",
                    "remind_on_due_day",
                    "overdue_reminder_interval_days",
                    "overdue_reminder_max",
                ],
                "description": "Reminders go out before the due day, on it, then at the "
                "interval while overdue; after the last one the work is escalated to the chair.",
            },
        ),
        ("Re-review", {"fields": ["re_review_months"]}),
        ("Publishing", {"fields": ["publish_pending", "policy_text"]}),
        ("Record", {"fields": ["updated_at"]}),
    ]
    readonly_fields = ["updated_at"]

    def changelist_view(self, request, extra_context=None):
        policy = EditorialPolicy.load()
        return HttpResponseRedirect(
            reverse("admin:editorial_editorialpolicy_change", args=[policy.pk])
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.policy_update(
            actor=request.user,
            **{field: form.cleaned_data[field] for field in services.POLICY_FIELDS},
        )
