"""Webhooks in the admin: the chair registers endpoints (the URL is checked for where it
leads, the secret is generated) and reads every delivery with its response code and
timing, read-only like the email outbox."""

from django import forms
from django.contrib import admin

from editorial.actions import AuditAction
from editorial.admin._common import ReadOnlyAdminMixin
from editorial.models import WebhookDelivery, WebhookEndpoint
from editorial.roles import is_chair
from editorial.webhooks import addresses


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=[(action.value, f"{action.label} ({action.value})") for action in AuditAction],
        widget=forms.CheckboxSelectMultiple,
        help_text="The audit actions this endpoint receives; the part in brackets is the "
        "event's type in the payload.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            addresses.check(url)
        except addresses.UnsafeAddress as refused:
            raise forms.ValidationError(refused.message) from None
        return url


class ChairOnlyMixin:
    def has_module_permission(self, request):
        return is_chair(request.user)

    def has_view_permission(self, request, obj=None):
        return is_chair(request.user)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ChairOnlyMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "is_active", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["secret", "created_by", "created_at"]

    def has_add_permission(self, request):
        return is_chair(request.user)

    def has_change_permission(self, request, obj=None):
        return is_chair(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_chair(request.user)

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "events", "is_active"]
        return fields if obj is None else [*fields, "secret", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class OutcomeFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("delivered", "Delivered"), ("pending", "Pending"), ("failed", "Given up")]

    def queryset(self, request, queryset):
        if self.value() == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "failed":
            return queryset.filter(failed_at__isnull=False)
        return queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ChairOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "event_type",
        "endpoint",
        "outcome",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "next_attempt_at",
    ]
    list_filter = [OutcomeFilter, "event_type"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    fields = [
        "endpoint",
        "event_type",
        "webhook_id",
        "created_at",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "failed_at",
        "body",
    ]
    readonly_fields = fields

    @admin.display(description="outcome")
    def outcome(self, obj):
        if obj.delivered_at:
            return "delivered"
        return "given up" if obj.failed_at else "pending"
