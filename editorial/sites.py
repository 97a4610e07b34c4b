"""The admin site the board works in. A reviewer who is not the chair lands on their
review queue; the chair's index links to the board view."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from editorial.roles import is_chair
from editorial.sweep import sweep_health
from editorial.views import dossiers, insights


class BoardAuthenticationForm(AdminAuthenticationForm):
    """An author who signs in here with the right password is told where authors sign in,
    instead of Django's "enter the correct username and password for a staff account"."""

    def confirm_login_allowed(self, user):
        if user.is_active and not user.is_staff:
            raise ValidationError(
                "This sign-in is for the Medical Advisory Board. Authors sign in to their "
                "workspace at %(url)s.",
                code="not_staff",
                params={"url": reverse("login")},
            )
        super().confirm_login_allowed(user)


class EditorialAdminSite(admin.AdminSite):
    index_template = "admin/editorial_index.html"
    login_form = BoardAuthenticationForm

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
