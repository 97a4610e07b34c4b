"""The admin site the board works in. A reviewer who is not the chair lands on their
review queue; the chair's index links to the board view."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from editorial.roles import is_chair
from editorial.sweep import sweep_health


class EditorialAdminSite(admin.AdminSite):
    index_template = "admin/editorial_index.html"

    def index(self, request, extra_context=None):
        member = getattr(request.user, "board_member", None)
        if member is not None and not is_chair(request.user):
            return HttpResponseRedirect(reverse("admin:editorial_assignment_changelist"))
        extra_context = {
            **(extra_context or {}),
            "is_chair": is_chair(request.user),
            "board_member": member,
            "sweep": sweep_health() if is_chair(request.user) else None,
        }
        return super().index(request, extra_context)
