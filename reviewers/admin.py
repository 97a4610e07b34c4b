from django.contrib import admin

from reviewers.models import BoardMember


@admin.register(BoardMember)
class BoardMemberAdmin(admin.ModelAdmin):
    list_display = ["display_name", "credentials", "is_active", "is_chair", "max_open_assignments"]
    list_filter = ["is_active", "is_chair", "specialties"]
    search_fields = ["display_name", "credentials", "user__username", "user__email"]
    list_select_related = ["user"]
    filter_horizontal = ["specialties"]
    prepopulated_fields = {"slug": ["display_name"]}
