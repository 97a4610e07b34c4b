"""The board: members with their open load, and conflict-of-interest declarations, which
are declared and revoked through the editorial services (which audit them). Registered here
on subclasses of ``reviewers.admin``'s base classes: ``reviewers`` knows nothing of the
workflow."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html

from editorial import services
from editorial.errors import NotPermitted, WorkflowError
from editorial.models import ASSIGNMENT_OPEN_STATES, CalendarToken
from editorial.roles import chairing, is_chair
from reviewers import admin as board_admin
from reviewers.models import BoardMember, ConflictOfInterest


class ChairFilter(admin.SimpleListFilter):
    """Chairs are the members in the "Board chair" group (``editorial.roles``)."""

    title = "chairs the board"
    parameter_name = "chair"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(chairing=True)
        if self.value() == "no":
            return queryset.filter(chairing=False)
        return queryset


@admin.register(BoardMember)
class BoardMemberAdmin(board_admin.BoardMemberAdmin):
    # Who chairs and the open load are the workflow's, so their columns are added here.
    list_display = [
        "display_name",
        "credentials",
        "is_active",
        "chair",
        "open_load",
        "max_open_assignments",
    ]
    list_filter = ["is_active", ChairFilter, "specialties"]
    readonly_fields = ["calendar_link"]

    def get_urls(self):
        calendar = path(
            "<int:pk>/calendar-link/",
            self.admin_site.admin_view(self.calendar_link_view),
            name="editorial_boardmember_calendar_link",
        )
        return [calendar, *super().get_urls()]

    @admin.display(description="calendar link")
    def calendar_link(self, obj):
        """When the member's secret calendar link was issued, and a button to issue a new
        one (which ends the old)."""
        if obj.pk is None:
            return "—"
        token = CalendarToken.objects.filter(user_id=obj.user_id).first()
        issued = (
            f"Issued {date_format(token.issued_at, 'DATE_FORMAT')}; shown once, when issued."
            if token
            else "None issued yet."
        )
        return format_html(
            '{} <button type="submit" class="button" formaction="{}">{}</button>',
            issued,
            reverse("admin:editorial_boardmember_calendar_link", args=[obj.pk]),
            "Issue a new calendar link" if token else "Issue a calendar link",
        )

    def calendar_link_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        member = get_object_or_404(BoardMember, pk=pk)
        if not (is_chair(request.user) or member.user_id == request.user.pk):
            raise PermissionDenied("Only the chair or the member may issue this link.")
        raw_token = CalendarToken.issue(member.user)
        feeds = [reverse("calendar_reviews", args=[raw_token])]
        if is_chair(member.user):
            feeds.append(reverse("calendar_board", args=[raw_token]))
        links = " and ".join(request.build_absolute_uri(feed) for feed in feeds)
        messages.warning(
            request,
            f"Calendar link for {member.display_name}: {links} — copy it now: it is not "
            "shown again, and any earlier link no longer works.",
        )
        return HttpResponseRedirect(reverse("admin:reviewers_boardmember_change", args=[pk]))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_count=Count(
                    "assignments", filter=Q(assignments__state__in=ASSIGNMENT_OPEN_STATES)
                ),
                chairing=chairing(),
            )
        )

    @admin.display(description="chairs the board", boolean=True, ordering="chairing")
    def chair(self, obj):
        return obj.chairing

    @admin.display(description="open reviews", ordering="open_count")
    def open_load(self, obj):
        return obj.open_count


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(board_admin.ConflictOfInterestAdmin):
    """Members declare their own conflicts (the chair may for anyone). Declaring and
    revoking go through ``editorial.services``, which audit them; nothing is deleted."""

    actions = ["revoke"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_chair(request.user):
            return queryset
        return queryset.filter(member__user_id=request.user.pk)

    def get_fields(self, request, obj=None):
        fields = list(self.form.Meta.fields)
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and not is_chair(request.user):
            form.base_fields.pop("member", None)  # a fresh class per call: safe to change
            form.default_member = getattr(request.user, "board_member", None)
        return form

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
