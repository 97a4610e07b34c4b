from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from editorial import services
from editorial.errors import NotPermitted, WorkflowError
from editorial.models import ASSIGNMENT_OPEN_STATES
from editorial.roles import is_chair
from reviewers.models import BoardMember, ConflictKind, ConflictOfInterest


class ConflictInline(admin.TabularInline):
    model = ConflictOfInterest
    fields = ["kind", "topic", "author", "article", "reason", "declared_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # declared through the conflict admin, which audits


@admin.register(BoardMember)
class BoardMemberAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "credentials",
        "is_active",
        "is_chair",
        "open_load",
        "max_open_assignments",
    ]
    list_filter = ["is_active", "is_chair", "specialties"]
    search_fields = ["display_name", "credentials", "user__username", "user__email"]
    list_select_related = ["user"]
    filter_horizontal = ["specialties"]
    prepopulated_fields = {"slug": ["display_name"]}
    inlines = [ConflictInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_count=Count(
                    "assignments", filter=Q(assignments__state__in=ASSIGNMENT_OPEN_STATES)
                )
            )
        )

    @admin.display(description="open reviews", ordering="open_count")
    def open_load(self, obj):
        return obj.open_count


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


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    """Members declare their own conflicts (the chair may for anyone). Declaring and
    revoking go through ``editorial.services``, which audit them; nothing is deleted."""

    form = ConflictForm
    list_display = ["member", "kind", "subject", "reason", "declared_at", "revoked_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["member__display_name", "reason", "topic__name", "article__slug"]
    list_select_related = ["member", "topic", "author", "article"]
    autocomplete_fields = ["article"]
    actions = ["revoke"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_chair(request.user):
            return queryset
        return queryset.filter(member__user_id=request.user.pk)

    def get_fields(self, request, obj=None):
        fields = list(ConflictForm.Meta.fields)
        if obj is not None:
            return [*fields, "declared_at", "revoked_at"]
        return fields if is_chair(request.user) else fields[1:]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def add_view(self, request, form_url="", extra_context=None):
        # Checked here rather than in has_add_permission, which every admin page asks.
        if not is_chair(request.user) and not hasattr(request.user, "board_member"):
            raise PermissionDenied("Only board members declare conflicts of interest.")
        return super().add_view(request, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and not is_chair(request.user):
            form.base_fields.pop("member", None)  # a fresh class per call: safe to change
            form.default_member = getattr(request.user, "board_member", None)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            # Only people who write for us, not every account.
            kwargs["queryset"] = get_user_model().objects.filter(articles__isnull=False).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        member = form.cleaned_data.get("member") or request.user.board_member
        kind = form.cleaned_data["kind"]
        try:
            conflict = services.conflict_declare(
                member=member,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                **{kind: form.cleaned_data[kind]},
            )
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        # The admin goes on to log and redirect with the object it built; give it the row.
        obj.pk, obj.member, obj.declared_at = conflict.pk, conflict.member, conflict.declared_at

    @admin.action(description="Revoke the selected declarations")
    def revoke(self, request, queryset):
        for conflict in queryset.filter(revoked_at__isnull=True):
            try:
                services.conflict_revoke(conflict=conflict, actor=request.user)
            except WorkflowError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Revoked: {conflict}.")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
