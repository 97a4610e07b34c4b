"""The board's base admins: members with their declarations, and the declarations
themselves. ``reviewers`` knows nothing of the workflow, so these are not registered here:
``editorial.admin.board`` registers subclasses that add who chairs and each member's open
load, scope the declarations to the reviewer, and declare and revoke through the editorial
services (which audit them)."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model

from articles.text import CleanTextAdminMixin
from reviewers.models import ConflictKind, ConflictOfInterest


class ConflictInline(admin.TabularInline):
    model = ConflictOfInterest
    fields = ["kind", "topic", "author", "article", "reason", "declared_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # declared through the conflict admin, which audits


class BoardMemberAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "credentials", "is_active", "max_open_assignments"]
    list_filter = ["is_active", "specialties"]
    search_fields = ["display_name", "credentials", "user__username", "user__email"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["display_name"]}
    inlines = [ConflictInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Checkboxes, not Django's two-box picker: a short list, usable on a phone, and
        # without the picker's ARIA on a plain span (axe: aria-prohibited-attr).
        if db_field.name == "specialties":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ConflictForm(forms.ModelForm):
    # Set by the admin for a reviewer declaring for themselves (no member field).
    default_member = None

    class Meta:
        model = ConflictOfInterest
        fields = ["member", "kind", "topic", "author", "article", "reason"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        subjects = {name: cleaned.get(name) for name in ConflictKind.values}
        if kind and not subjects.get(kind):
            self.add_error(kind, f"Choose the {kind} you have a conflict with.")
        for name, value in subjects.items():
            if name != kind and value is not None:
                self.add_error(name, f"Leave this empty for a conflict with a {kind}.")
        member = cleaned.get("member") or self.default_member
        if member is not None and kind and subjects.get(kind) and not self.errors:
            declared = ConflictOfInterest.objects.active().filter(
                member=member, kind=kind, **{kind: subjects[kind]}
            )
            if declared.exists():
                raise forms.ValidationError("This conflict is already declared.")
        return cleaned


class ConflictOfInterestAdmin(admin.ModelAdmin):
    """Declarations are never changed or deleted, only revoked."""

    form = ConflictForm
    list_display = ["member", "kind", "subject", "reason", "declared_at", "revoked_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["member__display_name", "reason", "topic__name", "article__slug"]
    list_select_related = ["member", "topic", "author", "article"]
    autocomplete_fields = ["article"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            # Only people who write for us, not every account.
            kwargs["queryset"] = get_user_model().objects.filter(articles__isnull=False).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
