"""API keys in the admin: the chair creates one (its plain text is shown once, in the
message after saving), sees when it was last used, and revokes it."""

from django.contrib import admin, messages
from django.utils import timezone

from api.models import ApiKey
from editorial.roles import is_chair


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    fields = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_module_permission(self, request):
        return is_chair(request.user)

    def has_view_permission(self, request, obj=None):
        return is_chair(request.user)

    def has_add_permission(self, request):
        return is_chair(request.user)

    def has_change_permission(self, request, obj=None):
        return is_chair(request.user) and obj is None

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay on record

    def save_model(self, request, obj, form, change):
        key, raw_key = ApiKey.issue(name=obj.name, created_by=request.user)
        obj.pk, obj.prefix = key.pk, key.prefix
        messages.warning(
            request,
            f"The key for “{key.name}” is {raw_key} — copy it now: it is stored only as a "
            "hash and will not be shown again.",
        )

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} key(s) revoked.")
