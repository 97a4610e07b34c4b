"""The admin site the board works in. A reviewer who is not the chair lands on their
review queue; the chair's index links to the board view."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from editorial.roles import is_chair
from editorial.views import dossiers, insights


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
        }
        return super().index(request, extra_context)

    def get_urls(self):
        """The insights and dossier screens, which belong to no one model admin."""
        return [
            path("insights/", self.admin_view(insights.insights_view), name="editorial_insights"),
            path(
                "insights/mine/",
                self.admin_view(insights.my_figures_view),
                name="editorial_my_figures",
            ),
            path(
                "dossiers/<int:article_id>.<str:fmt>",
                self.admin_view(dossiers.dossier_view),
                name="editorial_dossier",
            ),
            *super().get_urls(),
        ]
