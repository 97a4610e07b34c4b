"""Assignments: the list is the reviewer's queue, the change form the chair's (due dates).
The review screen and the queue's and board's buttons are views in ``editorial.views``,
wired in here under the assignment's URLs."""

import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from editorial import selectors, services
from editorial.admin._common import (
    LargeTableAdminMixin,
    NotFoundForOthersMixin,
    NotificationsFieldMixin,
    button_urls,
    render_notifications,
)
from editorial.errors import NotPermitted, WorkflowError
from editorial.models import Assignment, AssignmentState
from editorial.roles import is_chair
from editorial.views import board, review


def day(value):
    """A date (or a moment, in local time) as the board's screens write it: "3 Dec 2026",
    machine-readable in ``<time datetime>``."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, "j M Y")
    )


class AssignmentStateFilter(admin.SimpleListFilter):
    """Open assignments unless asked otherwise: the queue is what is still to do."""

    title = "state"
    parameter_name = "state"
    default = "open"

    def lookups(self, request, model_admin):
        if not is_chair(request.user):  # a reviewer's own: what is to do, and what is done
            return [("open", "Open (invited or accepted)"), ("completed", "Completed"),
                    ("declined", "Declined"), ("all", "All")]  # fmt: skip
        return [("open", "Open (invited or accepted)"), *AssignmentState.choices, ("all", "All")]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "open":
            return queryset.open()
        if value in AssignmentState.values:
            return queryset.filter(state=value)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_overdue=True)
        if self.value() == "no":
            return queryset.filter(is_overdue=False)
        return queryset


class DueDatesForm(forms.ModelForm):
    """The chair's assignment form. Its command (``services.assignment_set_due_dates``) runs
    as the last step of validation, so that a refusal is a form error: the admin shows the
    form again with it, reports no success and logs no change."""

    actor = None  # set by ``AssignmentAdmin.get_form``, on a fresh class per request

    class Meta:
        model = Assignment
        fields = ["response_due", "review_due"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        accepted = self.instance.state == AssignmentState.ACCEPTED
        try:
            services.assignment_set_due_dates(
                assignment=self.instance,
                actor=self.actor,
                response_due=cleaned.get("response_due"),
                review_due=cleaned.get("review_due") if accepted else None,
            )
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except WorkflowError as error:
            raise forms.ValidationError(error.message) from error
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(
    LargeTableAdminMixin, NotificationsFieldMixin, NotFoundForOthersMixin, admin.ModelAdmin
):
    """The assignment list is the reviewer's queue (their own assignments, open ones by
    default, soonest due first); the chair sees everyone's."""

    form = DueDatesForm
    list_display = ["question", "author", "submitted", "state_label", "due", "respond"]
    list_display_links = None
    # A reviewer's own queue needs only what is open and what is late; the chair filters
    # everyone's by topic and reviewer too.
    list_filter = [AssignmentStateFilter, OverdueFilter]
    search_fields = [
        "submission__revision__title",
        "submission__article__slug",
        "reviewer__display_name",
    ]
    list_per_page = 50
    actions = None
    change_list_template = "admin/editorial/assignment/change_list.html"
    readonly_fields = [
        "submission",
        "reviewer",
        "state",
        "invited_by",
        "invited_at",
        "responded_at",
        "completed_at",
        "closed_at",
        "close_reason",
        "escalated_at",
        "notifications",
    ]
    fields = [*readonly_fields[:5], "response_due", "review_due", *readonly_fields[5:]]

    def get_queryset(self, request):
        return selectors.assignments_visible_to(request.user)

    def get_ordering(self, request):
        return ["due_on", "pk"]

    def get_list_display(self, request):
        if is_chair(request.user):
            return ["question", "author", "submitted", "reviewer_name", "topic", "state_label",
                    "due", "respond"]  # fmt: skip
        return self.list_display

    def get_list_filter(self, request):
        if is_chair(request.user):
            return [*self.list_filter, "submission__article__topic", "reviewer"]
        return self.list_filter

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        buttons = {
            "accept": review.accept_view,
            "decline": review.decline_view,
            "withdraw": board.withdraw_view,
            "reassign": board.reassign_view,
            "conflict": review.conflict_view,
        }
        return [
            path("<int:pk>/review/", view(review.review_view), name="editorial_assignment_review"),
            *button_urls(view, "assignment", buttons),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {"title": "All assignments"}
        if not is_chair(request.user):
            # The admin's list of every model a reviewer may view is not their work.
            context = {"title": "Your review queue", "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Reviewers work on the review screen; the change form is the chair's, for due dates.
        if not is_chair(request.user):
            assignment = self._object_or_404(request, object_id)
            return HttpResponseRedirect(
                reverse("admin:editorial_assignment_review", args=[assignment.pk])
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        pass  # the form's validation saved it, through the service (see ``DueDatesForm``)

    @admin.display(description="Notifications (newest first)")
    def notifications(self, obj):
        return render_notifications(
            assignment=obj, changelist_filter=f"assignment__id__exact={obj.pk}"
        )

    # Columns of the queue.

    @admin.display(description="question", ordering="submission__revision__title")
    def question(self, obj):
        revision = obj.submission.revision
        if revision.number == 1:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:editorial_assignment_review", args=[obj.pk]),
                revision.title,
            )
        return format_html(
            '<a href="{}">{}</a> <span class="quiet">(revision {})</span>',
            reverse("admin:editorial_assignment_review", args=[obj.pk]),
            revision.title,
            revision.number,
        )

    @admin.display(description="author")
    def author(self, obj):
        names = [
            user.get_full_name() or user.username for user in obj.submission.article.authors.all()
        ]
        return ", ".join(names) or "—"

    @admin.display(description="submitted", ordering="submission__submitted_at")
    def submitted(self, obj):
        return day(obj.submission.submitted_at)

    @admin.display(description="reviewer", ordering="reviewer__display_name")
    def reviewer_name(self, obj):
        return obj.reviewer.display_name

    @admin.display(description="topic", ordering="submission__article__topic__name")
    def topic(self, obj):
        return obj.submission.article.topic.name

    @admin.display(description="state", ordering="state")
    def state_label(self, obj):
        decision = getattr(obj, "decision", None) if obj.state == "completed" else None
        if decision is not None:
            return f"Completed: {decision.get_outcome_display().lower()}"
        return obj.get_state_display()

    @admin.display(description="due", ordering="due_on")
    def due(self, obj):
        if obj.due_on is None or not obj.is_open:
            return "—"
        what = "answer" if obj.state == AssignmentState.INVITED else "review"
        if obj.is_overdue:
            return format_html(
                '<strong class="overdue">Overdue</strong> · {} due {}', what, day(obj.due_on)
            )
        return format_html("{} due {}", what.capitalize(), day(obj.due_on))

    @admin.display(description="respond", empty_value="")
    def respond(self, obj):
        if not obj.is_mine:
            return ""
        if obj.state == AssignmentState.INVITED:
            title = obj.submission.revision.title
            queue = reverse("admin:editorial_assignment_changelist")
            return format_html(
                '<button type="submit" class="button default" formaction="{}?next={}" '
                'aria-label="Accept: {}">Accept</button> '
                '<a class="decline-link" href="{}#decline" aria-label="Decline: {}">Decline…</a>',
                reverse("admin:editorial_assignment_accept", args=[obj.pk]),
                queue,
                title,
                reverse("admin:editorial_assignment_review", args=[obj.pk]),
                title,
            )
        if obj.state == AssignmentState.ACCEPTED:
            return format_html(
                '<a class="button" href="{}">Review and decide</a>',
                reverse("admin:editorial_assignment_review", args=[obj.pk]),
            )
        return ""
